package org.webaccel.harness.bench;

import static org.ops4j.pax.exam.CoreOptions.bootDelegationPackages;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.SystemPropertyOption;
import org.webaccel.harness.FelixOptions;

/** The container of a benchmark run: the distribution with the Chromium backend and the echo model. */
public final class BenchOptions {
    private BenchOptions() {
    }

    /** @return the Pax Exam options */
    public static Option[] container() throws Exception {
        return container(FelixOptions.onlyBackend("chromium"));
    }

    /**
     * @param backends the backend names whose bundles are started; the other backends are installed only
     * @return the Pax Exam options of a container running those backends
     */
    public static Option[] containerWith(String... backends) throws Exception {
        List<String> names = List.of(backends);
        return container(jar -> {
            String name = jar.getFileName().toString();
            return !name.contains("org.webaccel.backend-")
                    || names.stream().anyMatch(b -> name.contains("org.webaccel.backend-" + b + "-"));
        });
    }

    private static Option[] container(java.util.function.Predicate<Path> started) throws Exception {
        Path home = Files.createTempDirectory("webaccel-bench");
        EchoModel.install(home.resolve("models"));
        List<Option> options = new ArrayList<>();
        for (Option o : FelixOptions.distribution(started)) {
            // The home with the echo model in its repository replaces the empty one.
            if (!(o instanceof SystemPropertyOption p && p.getKey().equals("webaccel.home"))) {
                options.add(o);
            }
        }
        options.add(systemProperty("webaccel.home").value(home.toString()));
        // The plot library and the JDK's HTTP server come from the test class path, like the native runtime.
        options.add(bootDelegationPackages("org.jfree.*", "com.sun.net.httpserver", "com.sun.net.httpserver.*"));
        return options.toArray(Option[]::new);
    }

    /** @return the output folder: system property {@code webaccel.bench.output}, or {@code target/bench} */
    public static Path output(String subfolder) {
        Path base = Path.of(System.getProperty("webaccel.bench.output", "target/bench"));
        return subfolder == null ? base : base.resolve(subfolder);
    }
}
