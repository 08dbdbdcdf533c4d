package org.webaccel.launcher;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Starts the WebAccel container: Felix with the bundles of bundle/, configured from conf/.
 *
 * <pre>
 * webaccel            interactive Gogo shell; ends at EOF, 'exit' or 'stop 0'
 * webaccel -c 'CMD'   runs one Gogo command without a console, prints its result, stops
 * </pre>
 *
 * Exit codes: 0 success, 1 the command failed, 2 wrong arguments, 3 the container or the command's service
 * did not come up in time.
 */
public final class Main {

    /** The exit code of a command that threw. */
    static final int COMMAND_FAILED = 1;
    /** The exit code of wrong arguments. */
    static final int USAGE = 2;
    /** The exit code when the container or the command did not become available. */
    static final int NOT_AVAILABLE = 3;

    private static final String USAGE_TEXT = """
            usage: webaccel            start the container with an interactive Gogo shell
                   webaccel -c 'CMD'   start it, run one Gogo command, print the result and stop
            JVM options come from WEBACCEL_JAVA_OPTS; -Dwebaccel.command.timeout=SECONDS (default 120)
            bounds the wait for the command's service in -c mode.""";

    private Main() {
    }

    /**
     * @param args none, or {@code -c CMD}
     */
    public static void main(String[] args) {
        // Gogo replaces System.out/err while it runs; keep the real streams for our own messages
        PrintStream out = System.out;
        PrintStream err = System.err;
        int code;
        try {
            code = run(args, out, err);
        } catch (Exception e) {
            err.println("webaccel: " + e.getMessage());
            code = NOT_AVAILABLE;
        }
        out.flush();
        err.flush();
        // exit explicitly: bundles may leave non-daemon threads behind after the framework stopped
        System.exit(code);
    }

    private static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        String command;
        if (args.length == 0) {
            command = null;
        } else if (args.length == 2 && args[0].equals("-c") && !args[1].isBlank()) {
            command = args[1];
        } else {
            boolean help = args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"));
            (help ? out : err).println(help ? USAGE_TEXT : "webaccel: unexpected arguments\n" + USAGE_TEXT);
            return help ? 0 : USAGE;
        }

        Path home = home();
        // bundles resolve conf/, data/ and models/ against this, through BundleContext.getProperty
        System.setProperty("webaccel.home", home.toString());
        Logging.configure(home);
        Map<String, String> properties = FrameworkProperties.load(home.resolve("conf/framework.properties"));
        if (command != null) {
            // the shell bundle still registers its commands (echo, grep, ...), but reads no console
            properties.put("gosh.args", "--nointeractive --quiet");
        }

        Container container = Container.start(properties, home.resolve("bundle"), err);
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "webaccel-shutdown"));
        if (command == null) {
            // gosh stops the framework at EOF, 'stop 0' and 'exit' (conf/etc/gosh_profile); Ctrl-C runs the hook
            return container.awaitStop();
        }
        try {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(Long.getLong("webaccel.command.timeout", 120)));
            new FileInstallReadiness(container.context(), home, err).await(deadline);
            return new CommandRunner(container.context(), out, err).run(command, deadline);
        } finally {
            container.stop();
        }
    }

    /** The distribution folder: -Dwebaccel.home, else the folder above the launcher jar's lib/. */
    private static Path home() throws URISyntaxException {
        String property = System.getProperty("webaccel.home");
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path home = jar.getParent().getParent();
        if (!Files.isDirectory(home.resolve("bundle"))) {
            throw new IllegalStateException("cannot find the distribution folder; set -Dwebaccel.home");
        }
        return home;
    }
}
