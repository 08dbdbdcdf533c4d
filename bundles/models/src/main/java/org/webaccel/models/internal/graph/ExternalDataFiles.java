package org.webaccel.models.internal.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.webaccel.models.internal.descriptor.InvalidDescriptorException;

/**
 * Checks the files a model's external tensors refer to and names them. A page is given exactly these files
 * with the model (the bridge serves nothing else of its folder), so each location must be a plain file name in
 * the model's own folder, the same characters the bridge serves in a URL, and each tensor's bytes must lie
 * within its file.
 */
public final class ExternalDataFiles {
    /** The characters of a file name the bridge serves; a leading dot would be a hidden file. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private ExternalDataFiles() {
    }

    /**
     * @param modelFile the model.onnx whose folder holds the files
     * @param tensors the tensors that keep their data outside it ({@link GraphSignature#externalTensors()})
     * @return the files they refer to, each once, in the order first referred to
     * @throws InvalidDescriptorException naming the model file, the tensor and its location when a location is
     *         missing or not a plain file name in the folder, the file is missing, or an offset or length is not a
     *         number or lies beyond the file's end
     */
    public static List<String> check(Path modelFile, List<ExternalTensor> tensors) throws InvalidDescriptorException {
        String source = modelFile.toString();
        Path folder = modelFile.toAbsolutePath().getParent();
        Map<String, Long> sizes = new HashMap<>();
        List<String> files = new ArrayList<>();
        for (ExternalTensor t : tensors) {
            String location = t.location();
            if (location == null || location.isEmpty()) {
                throw new InvalidDescriptorException(source, t.owner() + " has data_location EXTERNAL but no "
                        + "'location' entry in its external_data");
            }
            if (!PLAIN_NAME.matcher(location).matches() || location.contains("..")
                    || location.equals(modelFile.getFileName().toString())) {
                throw new InvalidDescriptorException(source, t.owner() + " keeps its data in '" + location
                        + "', which is not a plain file name in the model's folder " + folder + " (letters, "
                        + "digits, '.', '_' and '-', starting with a letter or digit; no '/', no '..', not an "
                        + "absolute path, not the model file itself)");
            }
            Long size = sizes.get(location);
            if (size == null) {
                Path file = folder.resolve(location);
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    // a link is not followed: it could lead the bridge to serve a file outside the folder
                    String what = Files.isSymbolicLink(file) ? "is a symbolic link; put the file itself there"
                            : Files.exists(file) ? "is not a regular file" : "is missing";
                    throw new InvalidDescriptorException(source, t.owner() + " keeps its data in '" + location
                            + "', which " + what + " in " + folder);
                }
                try {
                    size = Files.size(file);
                } catch (IOException e) {
                    throw new InvalidDescriptorException(source, t.owner() + " keeps its data in '" + location
                            + "', which cannot be read: " + e);
                }
                sizes.put(location, size);
                files.add(location);
            }
            long offset = number(source, t, "offset", t.offset(), 0);
            long length = number(source, t, "length", t.length(), size - offset);
            if (offset > size || length > size - offset) {
                throw new InvalidDescriptorException(source, t.owner() + " keeps " + length + " bytes at offset "
                        + offset + " of '" + location + "', which has only " + size + " bytes");
            }
        }
        return List.copyOf(files);
    }

    private static long number(String source, ExternalTensor t, String key, String value, long missing)
            throws InvalidDescriptorException {
        if (value == null) {
            return missing;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw new InvalidDescriptorException(source, t.owner() + " has external_data " + key + " '" + value
                + "'; expected a number of bytes >= 0");
    }
}
