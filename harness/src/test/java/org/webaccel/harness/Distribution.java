package org.webaccel.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The assembled distribution under distribution/target/webaccel, which the build made before these tests. */
public final class Distribution {
    private Distribution() {
    }

    /** @return the distribution folder */
    public static Path home() {
        String p = System.getProperty("webaccel.distribution");
        if (p == null) {
            throw new IllegalStateException("system property webaccel.distribution is not set");
        }
        Path home = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isDirectory(home.resolve("bundle"))) {
            throw new IllegalStateException("no distribution at " + home + ": build it with mvn package first");
        }
        return home;
    }

    /** @return the distribution's bundles in start order */
    public static List<Path> bundles() throws IOException {
        try (Stream<Path> s = Files.list(home().resolve("bundle"))) {
            return s.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
    }
}
