package org.webaccel.launcher;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * Configures java.util.logging, where the bundles' {@code System.Logger} output lands, from
 * {@code conf/logging.properties}. JUL cannot expand variables itself, so {@code ${webaccel.home}} is
 * replaced here; that lets the file log live in the distribution's data/ folder.
 */
final class Logging {
    private Logging() {
    }

    /**
     * @param logToStdout log everything from INFO up to stdout instead of the console's warnings on stderr, for a
     *        service manager that keeps the output of the processes it runs
     */
    static void configure(Path home, boolean logToStdout) throws IOException {
        Path file = home.resolve("conf/logging.properties");
        if (!Files.isRegularFile(file)) {
            return;
        }
        Files.createDirectories(home.resolve("data"));
        String text = Files.readString(file).replace("${webaccel.home}", home.toString());
        LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
        if (logToStdout) {
            Logger root = Logger.getLogger("");
            for (Handler h : root.getHandlers()) {
                if (h instanceof ConsoleHandler) {
                    root.removeHandler(h);
                }
            }
            StreamHandler stdout = new StreamHandler(System.out, new SimpleFormatter()) {
                @Override
                public synchronized void publish(LogRecord record) {
                    super.publish(record);
                    flush();
                }
            };
            stdout.setLevel(Level.INFO);
            root.addHandler(stdout);
        }
    }
}
