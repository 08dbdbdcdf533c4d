package org.webaccel.harness;

import static org.ops4j.pax.exam.CoreOptions.bootDelegationPackages;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.ops4j.pax.exam.Option;

/** Pax Exam options that boot the distribution's own bundles, as bin/webaccel would, in the test JVM. */
public final class FelixOptions {
    private FelixOptions() {
    }

    /** @return every distribution bundle, started */
    public static Option[] distribution() throws IOException {
        return distribution(jar -> true);
    }

    /** @return a filter that starts every bundle except the backends other than {@code backend} */
    public static Predicate<Path> onlyBackend(String backend) {
        return jar -> {
            String name = jar.getFileName().toString();
            return !name.contains("org.webaccel.backend-") || name.contains("org.webaccel.backend-" + backend + "-");
        };
    }

    /**
     * @param started which bundles to start; the others are installed only
     * @return the distribution's bundles plus the test support bundles
     */
    public static Option[] distribution(Predicate<Path> started) throws IOException {
        Path home = Files.createTempDirectory("webaccel-home");
        List<Option> options = new ArrayList<>();
        for (Path jar : Distribution.bundles()) {
            options.add(bundle(jar.toUri().toString()).start(started.test(jar)));
        }
        options.add(junitBundles());
        options.add(frameworkProperty("gosh.args").value("--nointeractive"));
        // The HTTP server of the endpoint feature: loopback, any free port, so suites never collide.
        options.add(frameworkProperty("org.osgi.service.http.port").value("0"));
        options.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
        options.add(systemProperty("webaccel.home").value(home.toString()));
        // Pax Exam's logging service would otherwise print every DEBUG line of every bundle and the JDK.
        options.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        // The native reference and the shared test fixtures are on the test JVM's class path, not bundles;
        // so are the writers of ONNX files (onnxfiles), which use the ONNX schema and protobuf from there.
        options.add(bootDelegationPackages("ai.onnxruntime", "ai.onnxruntime.*", "org.webaccel.testing",
                "org.webaccel.harness.onnxfiles"));
        options.add(frameworkProperty("org.osgi.framework.bundle.parent").value("framework"));
        options.add(cleanCaches());
        return options.toArray(Option[]::new);
    }
}
