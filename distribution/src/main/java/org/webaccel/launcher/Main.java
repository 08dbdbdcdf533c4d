package org.webaccel.launcher;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Starts, runs, reaches and stops the WebAccel container: Felix with the bundles of bundle/, configured from
 * conf/. One container runs per home folder (a lock in data/); the commands that talk to it go through its
 * admin socket (data/admin.sock, the owner's only). See {@link #USAGE_TEXT}.
 *
 * <p>Exit codes: 0 success, 1 the command failed, 2 wrong arguments, 3 no container (not running, refused, or
 * it or the command's service did not come up in time).
 */
public final class Main {

    /** Where a bundle that stops the container as misconfigured leaves its reason (the endpoint's exposure check). */
    static final String REFUSAL_PROPERTY = "webaccel.refusal";

    /** The exit code of a command that threw. */
    static final int COMMAND_FAILED = 1;
    /** The exit code of wrong arguments. */
    static final int USAGE = 2;
    /** The exit code when there is no container to use, or it or the command did not become available. */
    static final int NOT_AVAILABLE = 3;

    static final String USAGE_TEXT = """
            usage: webaccel             start a container in this folder with an interactive Gogo shell
                   webaccel run         start it in the foreground without a console (systemd, containers);
                                        logs go to stdout; SIGTERM stops it in order
                   webaccel start       start it in the background (pid in data/webaccel.pid, output in
                                        data/webaccel.out) and wait until it answers
                   webaccel stop        stop the running container in order and wait for it
                   webaccel status      whether a container runs here: pid, uptime, workers (exit 0, or 3)
                   webaccel shell       an interactive Gogo session on the running container
                   webaccel -c 'CMD'    run one Gogo command, print its result: in the running container when
                                        one runs here, else in a container of its own that stops afterwards
            One container runs per folder; a second start refuses. JVM options come from WEBACCEL_JAVA_OPTS;
            -Dwebaccel.command.timeout=SECONDS (default 120) bounds the wait for a command's service.""";

    private Main() {
    }

    /**
     * @param args none, a mode ({@code run}, {@code start}, {@code stop}, {@code status}, {@code shell}), or
     *        {@code -c CMD}
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
        String mode = args.length == 0 ? "" : args[0];
        boolean valid = switch (mode) {
            case "", "run", "start", "stop", "status", "shell" -> args.length <= 1;
            case "-c" -> args.length == 2 && !args[1].isBlank();
            default -> false;
        };
        if (!valid) {
            boolean help = args.length == 1 && (mode.equals("-h") || mode.equals("--help"));
            (help ? out : err).println(help ? USAGE_TEXT : "webaccel: unexpected arguments\n" + USAGE_TEXT);
            return help ? 0 : USAGE;
        }
        Path home = home();
        Optional<AdminClient> running = AdminClient.connect(home);
        switch (mode) {
            case "status":
                return running.isPresent() ? request(running.get(), "status", out, err)
                        : notRunning(home, out, "no container runs in " + home);
            case "stop":
                return running.isPresent() ? stop(home, running.get(), out, err)
                        : notRunning(home, out, "no container runs in " + home + "; nothing to stop");
            case "shell":
                if (running.isEmpty()) {
                    err.println("webaccel: no container runs in " + home + "; start one with 'webaccel start'");
                    return NOT_AVAILABLE;
                }
                try (AdminClient client = running.get()) {
                    return client.shell(System.in, out, err);
                }
            case "-c":
                if (running.isPresent()) {
                    return request(running.get(), "run " + args[1], out, err);
                }
                return new Local(home, out, err).command(args[1]);
            case "start":
                running.ifPresent(AdminClient::closeQuietly);
                return new Background(home, out, err).start();
            default:
                running.ifPresent(AdminClient::closeQuietly);
                return new Local(home, out, err).serve(mode.equals("run"));
        }
    }

    private static int request(AdminClient client, String request, PrintStream out, PrintStream err)
            throws Exception {
        try (client) {
            return client.request(request, out, err);
        }
    }

    /** Asks the container to stop, then waits until its process has ended. */
    private static int stop(Path home, AdminClient client, PrintStream out, PrintStream err) throws Exception {
        Optional<HomeLock.Holder> holder = HomeLock.holder(home);
        int code = request(client, "stop", out, err);
        if (holder.isPresent() && holder.get().pid() > 0) {
            Optional<ProcessHandle> process = ProcessHandle.of(holder.get().pid());
            if (process.isPresent() && process.get().isAlive()) {
                out.println("waiting for process " + holder.get().pid() + " to exit");
                process.get().onExit().get();
            }
        }
        return code;
    }

    /** No admin socket answers: say whether a container holds the folder all the same (one that hangs). */
    private static int notRunning(Path home, PrintStream out, String message) throws Exception {
        Optional<HomeLock.Holder> holder = HomeLock.holder(home);
        if (holder.isPresent()) {
            out.println("a container holds " + home + " (pid " + holder.get().pid() + ", since "
                    + holder.get().started() + ") but does not answer on data/admin.sock");
            return NOT_AVAILABLE;
        }
        out.println(message);
        return NOT_AVAILABLE;
    }

    /** The distribution folder: -Dwebaccel.home, else the folder above the launcher jar's lib/. */
    static Path home() throws URISyntaxException {
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

    /** A container in this process: interactive, in the foreground for a service manager, or for one command. */
    private static final class Local {
        private final Path home;
        private final PrintStream out;
        private final PrintStream err;

        Local(Path home, PrintStream out, PrintStream err) {
            this.home = home;
            this.out = out;
            this.err = err;
        }

        /** Runs until stopped: by the shell at EOF or 'stop 0', by SIGTERM, or by {@code webaccel stop}. */
        int serve(boolean foreground) throws Exception {
            try (HomeLock lock = lock()) {
                if (lock == null) {
                    return NOT_AVAILABLE;
                }
                Container container = start(foreground ? "--nointeractive --quiet" : null, foreground);
                try (AdminServer admin = AdminServer.open(home, container)) {
                    if (foreground) {
                        out.println("webaccel: running in " + home + " (pid " + ProcessHandle.current().pid() + ")");
                    }
                    int code = container.awaitStop();
                    return refused().orElse(code);
                } finally {
                    container.stop();
                }
            }
        }

        /** Runs one command in a container of its own, which holds the folder meanwhile. */
        int command(String commandLine) throws Exception {
            try (HomeLock lock = lock()) {
                if (lock == null) {
                    return NOT_AVAILABLE;
                }
                Container container = start("--nointeractive --quiet", false);
                try {
                    Instant deadline = Instant.now().plus(Duration.ofSeconds(Long.getLong("webaccel.command.timeout",
                            120)));
                    new FileInstallReadiness(container.context(), home, err).await(deadline);
                    int code = new CommandRunner(container.context(), out, err).run(commandLine, deadline);
                    return refused().orElse(code);
                } finally {
                    container.stop();
                }
            }
        }

        /**
         * @return {@link #COMMAND_FAILED} when a bundle refused to run the container (an HTTP server beyond
         *         loopback without tokens, say) and stopped it; the reason is printed
         */
        private Optional<Integer> refused() {
            String reason = System.getProperty(REFUSAL_PROPERTY);
            if (reason == null) {
                return Optional.empty();
            }
            err.println("webaccel: refused to run: " + reason);
            return Optional.of(COMMAND_FAILED);
        }

        /** @return the folder's lock, or null (said why) when another container holds it */
        private HomeLock lock() throws Exception {
            Optional<HomeLock> lock = HomeLock.take(home);
            if (lock.isEmpty()) {
                Optional<HomeLock.Holder> holder = HomeLock.holder(home);
                err.println("webaccel: a container already runs in " + home + " (pid "
                        + holder.map(h -> Long.toString(h.pid())).orElse("?") + ", since "
                        + holder.map(h -> h.started().toString()).orElse("?") + "); reach it with 'webaccel shell', "
                        + "'webaccel -c CMD' or 'webaccel status', or stop it with 'webaccel stop'");
                return null;
            }
            return lock.get();
        }

        private Container start(String goshArgs, boolean logToStdout) throws Exception {
            // bundles resolve conf/, data/ and models/ against this, through BundleContext.getProperty
            System.setProperty("webaccel.home", home.toString());
            Logging.configure(home, logToStdout);
            Map<String, String> properties = FrameworkProperties.load(home.resolve("conf/framework.properties"));
            if (goshArgs != null) {
                // the shell bundle still registers its commands (echo, grep, ...), but reads no console
                properties.put("gosh.args", goshArgs);
            }
            Container container = Container.start(properties, home.resolve("bundle"), err);
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "webaccel-shutdown"));
            return container;
        }
    }
}
