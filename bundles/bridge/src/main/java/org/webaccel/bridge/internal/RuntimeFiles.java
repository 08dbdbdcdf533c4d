package org.webaccel.bridge.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The browser runtime packed in this bundle under {@code runtime/}: the worker page, its module and the ONNX
 * Runtime Web assets the build took from npm. Each file is read once and then served from memory.
 */
final class RuntimeFiles {
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "wasm", "application/wasm",
            "json", "application/json");

    /** One runtime file. */
    record File(byte[] bytes, String contentType) {
    }

    private final ClassLoader loader;
    private final Map<String, File> cache = new ConcurrentHashMap<>();

    RuntimeFiles(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * @param path a path below {@code runtime/}, already checked to be made of plain segments
     * @return the file, or empty when the runtime has no such file
     * @throws IOException when the bundle cannot be read
     */
    Optional<File> get(String path) throws IOException {
        File cached = cache.get(path);
        if (cached != null) {
            return Optional.of(cached);
        }
        int dot = path.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(path.substring(dot + 1));
        URL url = loader.getResource("runtime/" + path);
        if (type == null || url == null) {
            return Optional.empty();
        }
        try (InputStream in = url.openStream()) {
            File f = new File(in.readAllBytes(), type);
            cache.put(path, f);
            return Optional.of(f);
        }
    }
}
