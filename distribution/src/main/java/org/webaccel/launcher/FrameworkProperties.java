package org.webaccel.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the framework properties file. A {@code -Dkey=value} system property overrides the file's value, and
 * {@code ${name}} is replaced by the system property {@code name} (e.g. {@code ${webaccel.home}}), since
 * the framework itself substitutes nothing.
 */
final class FrameworkProperties {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    private FrameworkProperties() {
    }

    /**
     * @param file the properties file
     * @return the properties, substituted and overridden
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if a placeholder names no system property
     */
    static Map<String, String> load(Path file) throws IOException {
        Properties read = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            read.load(reader);
        }
        Map<String, String> properties = new HashMap<>();
        for (String key : read.stringPropertyNames()) {
            properties.put(key, substitute(key, System.getProperty(key, read.getProperty(key))));
        }
        return properties;
    }

    private static String substitute(String key, String value) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder result = new StringBuilder();
        while (m.find()) {
            String replacement = System.getProperty(m.group(1));
            if (replacement == null) {
                throw new IllegalArgumentException("framework property " + key + " uses ${" + m.group(1)
                        + "}, which is not set");
            }
            m.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(result).toString();
    }
}
