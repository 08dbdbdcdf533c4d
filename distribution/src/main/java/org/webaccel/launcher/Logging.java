package org.webaccel.launcher;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.LogManager;

/**
 * Configures java.util.logging, where the bundles' {@code System.Logger} output lands, from
 * {@code conf/logging.properties}. JUL cannot expand variables itself, so {@code ${webaccel.home}} is
 * replaced here; that lets the file log live in the distribution's data/ folder.
 */
final class Logging {
    private Logging() {
    }

    static void configure(Path home) throws IOException {
        Path file = home.resolve("conf/logging.properties");
        if (!Files.isRegularFile(file)) {
            return;
        }
        Files.createDirectories(home.resolve("data"));
        String text = Files.readString(file).replace("${webaccel.home}", home.toString());
        LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
