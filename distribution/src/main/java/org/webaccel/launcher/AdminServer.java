package org.webaccel.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

/**
 * The running container's admin channel: a Unix domain socket, {@code data/admin.sock}, that only the owner of
 * the home folder can open (the socket and the data folder are the owner's alone). {@code webaccel -c},
 * {@code shell}, {@code status} and {@code stop} reach the running container through it.
 */
final class AdminServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());

    private final Path socket;
    private final ServerSocketChannel server;
    private final Container container;
    private final Instant started = Instant.now();
    private final Thread acceptor;
    /** Answers being written; the process waits for them before it exits. */
    private final java.util.concurrent.Phaser answering = new java.util.concurrent.Phaser(1);
    private volatile boolean closed;

    private AdminServer(Path socket, ServerSocketChannel server, Container container) {
        this.socket = socket;
        this.server = server;
        this.container = container;
        this.acceptor = new Thread(this::accept, "webaccel-admin");
        acceptor.setDaemon(true);
    }

    /** Opens the socket (replacing one a killed container left behind: the caller holds the home's lock). */
    static AdminServer open(Path home, Container container) throws IOException {
        Path data = home.resolve("data");
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        Path socket = data.resolve("admin.sock");
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        AdminServer admin = new AdminServer(socket, server, container);
        admin.acceptor.start();
        return admin;
    }

    private void accept() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                Thread t = new Thread(() -> serve(client), "webaccel-admin-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "admin socket: " + e);
                }
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client;
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                        StandardCharsets.UTF_8));
                OutputStream sink = Channels.newOutputStream(client)) {
            String request = in.readLine();
            if (request == null) {
                return;
            }
            if (request.equals("shell")) {
                for (String line; (line = in.readLine()) != null;) {
                    answer(sink, "run " + line);
                }
            } else {
                answer(sink, request);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private void answer(OutputStream sink, String request) throws IOException {
        answering.register();
        try {
            respond(sink, request);
        } finally {
            answering.arriveAndDeregister();
        }
    }

    private void respond(OutputStream sink, String request) throws IOException {
        PrintStream out = AdminProtocol.tagged(sink, AdminProtocol.OUT);
        PrintStream err = AdminProtocol.tagged(sink, AdminProtocol.ERR);
        int code;
        if (request.equals("status")) {
            code = status(out, err);
        } else if (request.equals("stop")) {
            code = stop(out, err);
        } else if (request.startsWith("run ")) {
            code = run(request.substring(4), out, err);
        } else {
            err.println("webaccel: unknown request '" + request + "'");
            code = Main.USAGE;
        }
        out.flush();
        err.flush();
        synchronized (sink) {
            sink.write((AdminProtocol.EXIT + code + "\n").getBytes(StandardCharsets.UTF_8));
            sink.flush();
        }
    }

    private int run(String command, PrintStream out, PrintStream err) {
        try {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(Long.getLong("webaccel.command.timeout", 120)));
            return new CommandRunner(container.context(), out, err).run(command, deadline);
        } catch (Exception e) {
            err.println("webaccel: " + e);
            return Main.COMMAND_FAILED;
        }
    }

    private int status(PrintStream out, PrintStream err) {
        Duration up = Duration.between(started, Instant.now());
        out.println("running   pid " + ProcessHandle.current().pid() + ", up " + up.toSeconds() + " s, home "
                + socket.getParent().getParent());
        run("pool:status", out, err);
        return 0;
    }

    private int stop(PrintStream out, PrintStream err) {
        out.println("stopping  pid " + ProcessHandle.current().pid() + ": no new requests; running ones may finish "
                + "(up to 5 s), the others fail as shutdown; then the browsers close");
        run("pool:status", out, err);
        out.flush();
        container.stop();
        out.println("stopped");
        return 0;
    }

    /** Stops accepting, lets the answers being written (a stop's "stopped", say) finish, and removes the socket. */
    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        try {
            answering.awaitAdvanceInterruptibly(answering.arrive(), 10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException e) {
            // a client that does not read: it gets what it got
        }
        Files.deleteIfExists(socket);
    }
}
