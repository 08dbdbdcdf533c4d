package org.webaccel.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The other end of {@link AdminServer}: {@code -c}, {@code shell}, {@code status} and {@code stop} of a running container. */
final class AdminClient implements AutoCloseable {
    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private AdminClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /** @return a connection to the container running in this home, or empty when none answers */
    static Optional<AdminClient> connect(Path home) {
        Path socket = home.resolve("data/admin.sock");
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            return Optional.of(new AdminClient(channel));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Sends one request and prints its answer.
     *
     * @return the exit code the container gave, or {@link Main#NOT_AVAILABLE} when it went away first
     */
    int request(String request, PrintStream stdout, PrintStream stderr) throws IOException {
        send(request);
        return answer(stdout, stderr);
    }

    /** An interactive session on the running container: a command per line, until end of input or 'exit'. */
    int shell(InputStream stdin, PrintStream stdout, PrintStream stderr) throws IOException {
        send("shell");
        BufferedReader lines = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        int last = 0;
        while (true) {
            stdout.print("g! ");
            stdout.flush();
            String line = lines.readLine();
            if (line == null || line.strip().equals("exit")) {
                stdout.println();
                return last;
            }
            if (line.isBlank()) {
                continue;
            }
            send(line);
            last = answer(stdout, stderr);
            if (last == Main.NOT_AVAILABLE && !channel.isOpen()) {
                return last;
            }
        }
    }

    private void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private int answer(PrintStream stdout, PrintStream stderr) throws IOException {
        for (String line; (line = in.readLine()) != null;) {
            if (line.startsWith(AdminProtocol.OUT)) {
                stdout.println(line.substring(AdminProtocol.OUT.length()));
            } else if (line.startsWith(AdminProtocol.ERR)) {
                stderr.println(line.substring(AdminProtocol.ERR.length()));
            } else if (line.startsWith(AdminProtocol.EXIT)) {
                stdout.flush();
                stderr.flush();
                return Integer.parseInt(line.substring(AdminProtocol.EXIT.length()).trim());
            }
        }
        stderr.println("webaccel: the container closed the connection before it answered");
        return Main.NOT_AVAILABLE;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Closes the connection, which was opened only to see whether a container answers. */
    void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            // nothing was sent on it
        }
    }
}
