package org.webaccel.models.internal.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.webaccel.models.internal.descriptor.InvalidDescriptorException;

/**
 * The most bytes a model may have, model.onnx and its external data files together. A page fetches them all and
 * ONNX Runtime Web copies them into its WebAssembly memory, which is 32-bit: 4 GiB at most for everything a
 * session holds, and a browser's single ArrayBuffer may be smaller still (Chromium's was 2 GiB). The default,
 * {@value #DEFAULT} (2 GiB - 1, the largest signed 32-bit size and protobuf's limit for one model file), leaves
 * room for the session's own buffers; a model above the limit is refused when it loads instead of failing in
 * every page that tries it.
 *
 * @param bytes the limit in bytes, at least 1
 * @param setting where the limit is configured, for the message
 */
public record PageSizeLimit(long bytes, String setting) {
    /** The default limit: 2 GiB - 1 bytes. */
    public static final long DEFAULT = Integer.MAX_VALUE;

    /**
     * @throws IllegalArgumentException when {@code bytes} is below 1
     */
    public PageSizeLimit {
        if (bytes < 1) {
            throw new IllegalArgumentException(setting + " must be at least 1 byte; got " + bytes);
        }
    }

    /**
     * @param modelFile the model.onnx
     * @param dataFiles its external data files, in its folder ({@link ExternalDataFiles#check})
     * @return the bytes of the model file and its data files together
     * @throws InvalidDescriptorException naming the model file, the bytes and the limit when they are above it
     */
    public long check(Path modelFile, List<String> dataFiles) throws InvalidDescriptorException {
        long total;
        try {
            total = Files.size(modelFile);
            for (String f : dataFiles) {
                total += Files.size(modelFile.resolveSibling(f));
            }
        } catch (IOException e) {
            throw new InvalidDescriptorException(modelFile.toString(), "cannot be read: " + e);
        }
        if (total > bytes) {
            String with = dataFiles.isEmpty() ? "" : "with its external data files " + dataFiles + ", ";
            throw new InvalidDescriptorException(modelFile.toString(), with + "has " + total + " bytes, above the page "
                    + "limit of " + bytes + " bytes (" + setting + "): a page must hold the whole model in its "
                    + "memory");
        }
        return total;
    }
}
