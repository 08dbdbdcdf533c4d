package org.webaccel.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code webaccel start}: runs {@code webaccel run} as a process of its own, in a session of its own (so that it
 * outlives the terminal), its output appended to data/webaccel.out, and waits until its admin socket answers.
 */
final class Background {
    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    Background(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    int start() throws IOException, InterruptedException {
        Optional<HomeLock.Holder> holder = HomeLock.holder(home);
        if (holder.isPresent()) {
            err.println("webaccel: a container already runs in " + home + " (pid " + holder.get().pid() + ", since "
                    + holder.get().started() + "); 'webaccel status' shows it, 'webaccel stop' stops it");
            return Main.NOT_AVAILABLE;
        }
        Path data = Files.createDirectories(home.resolve("data"));
        Path output = data.resolve("webaccel.out");
        List<String> command = new ArrayList<>();
        // a session of its own: closing the terminal (SIGHUP to its session) does not stop the container
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"),
                "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "run"));
        long from = Files.exists(output) ? Files.size(output) : 0;
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(Long.getLong("webaccel.command.timeout", 120)));
        while (Instant.now().isBefore(deadline)) {
            Optional<AdminClient> client = AdminClient.connect(home);
            if (client.isPresent()) {
                client.get().closeQuietly();
                out.println("webaccel: started in " + home + " (pid " + pid(process) + "); output in " + output
                        + "; 'webaccel status' shows it, 'webaccel stop' stops it");
                return 0;
            }
            if (!process.isAlive()) {
                err.println("webaccel: the container exited with code " + process.exitValue() + ":\n" + tail(output,
                        from));
                return Main.NOT_AVAILABLE;
            }
            Thread.sleep(100);
        }
        err.println("webaccel: the container (pid " + pid(process) + ") did not answer within the command timeout; "
                + "it may still be starting: see " + output);
        return Main.NOT_AVAILABLE;
    }

    /** @return the container's own process id: setsid execs it, so it is the process started here */
    private static long pid(Process process) {
        return process.pid();
    }

    private static String tail(Path file, long from) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int start = (int) Math.max(from, all.length - 4000);
        return new String(all, start, all.length - start, StandardCharsets.UTF_8);
    }
}
