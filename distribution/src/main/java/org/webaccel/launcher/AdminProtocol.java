package org.webaccel.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The line protocol of the admin socket. A client sends one request line: {@code status}, {@code stop},
 * {@code run COMMAND} or {@code shell} (then one command per line until it closes). The container answers each
 * request with lines tagged {@value #OUT} (output) or {@value #ERR} (errors) and ends it with
 * {@value #EXIT}{@code CODE}, the exit code {@code -c} gives.
 */
final class AdminProtocol {
    static final String OUT = "o ";
    static final String ERR = "e ";
    static final String EXIT = "x ";

    private AdminProtocol() {
    }

    /** @return a stream that writes each line it is given as one tagged line of {@code sink} */
    static PrintStream tagged(OutputStream sink, String tag) {
        return new PrintStream(new OutputStream() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public synchronized void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                String text = new String(b, off, len, StandardCharsets.UTF_8);
                for (char c : text.toCharArray()) {
                    if (c == '\n') {
                        emit();
                    } else {
                        line.append(c);
                    }
                }
            }

            @Override
            public synchronized void flush() throws IOException {
                if (line.length() > 0) {
                    emit();
                }
                sink.flush();
            }

            private void emit() throws IOException {
                synchronized (sink) {
                    sink.write((tag + line + "\n").getBytes(StandardCharsets.UTF_8));
                }
                line.setLength(0);
            }
        }, true, StandardCharsets.UTF_8);
    }
}
