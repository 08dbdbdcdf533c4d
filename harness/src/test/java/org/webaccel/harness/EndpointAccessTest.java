package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.Test;
import org.webaccel.harness.DistributionCopy.Run;
import org.webaccel.testing.Await;

/**
 * Who may use the HTTP endpoints. With bearer tokens configured, /v2, /metrics and /dashboard answer 401 without one
 * of them, here over TLS set up through the HTTP server's own settings, as docs/service.md shows. Without tokens, a
 * container whose HTTP server binds beyond loopback refuses to run and says why.
 */
public class EndpointAccessTest {
    private static final String TOKEN = "t0ken-for-the-test";
    private static final String PASSWORD = "changeit";

    @Test
    public void bearerTokensGuardEveryEndpointOverTls() throws Exception {
        Path keys = Files.createTempDirectory("webaccel-tls");
        Path keystore = keys.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "webaccel", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD).inheritIO().start();
        assertEquals("keytool", 0, keytool.waitFor());
        int port = freePort();
        try (DistributionCopy copy = DistributionCopy.make(home -> {
            // The HTTP server's own TLS settings, plain HTTP off: the example in docs/service.md.
            Files.writeString(home.resolve("conf/org.apache.felix.http.config"), String.join("\n",
                    "org.apache.felix.http.host = \"127.0.0.1\"",
                    "org.apache.felix.http.enable = B\"false\"",
                    "org.apache.felix.https.enable = B\"true\"",
                    "org.osgi.service.http.port.secure = I\"" + port + "\"",
                    "org.apache.felix.https.keystore = \"" + keystore + "\"",
                    "org.apache.felix.https.keystore.type = \"PKCS12\"",
                    "org.apache.felix.https.keystore.password = \"" + PASSWORD + "\"",
                    "org.apache.felix.https.keystore.key.password = \"" + PASSWORD + "\"", ""));
            Files.writeString(home.resolve("conf/org.webaccel.endpoint.access.config"),
                    "bearerTokens = [\"another-token\", \"" + TOKEN + "\"]\n");
            Files.writeString(home.resolve("conf/org.webaccel.pool.config"), "minWorkers = I\"1\"\n");
        })) {
            Run started = copy.run(copy.home(), "", "start");
            assertEquals(started.toString(), 0, started.exit());
            try {
                HttpClient https = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
                URI base = URI.create("https://127.0.0.1:" + port);
                // `start` returns once the container runs; its HTTPS server opens its port a moment later
                Await.until("the endpoint ready over TLS", () -> listening(() -> get(https, base, "/v2/health/ready",
                        TOKEN).statusCode() == 200), () -> copy.diagnostics("data/webaccel.out"));
                for (String path : List.of("/v2", "/v2/health/live", "/v2/health/ready", "/v2/models/image-classifier",
                        "/metrics", "/dashboard/api/state")) {
                    HttpResponse<String> none = get(https, base, path, null);
                    assertEquals(path + ": " + none.body(), 401, none.statusCode());
                    assertEquals(path, "Bearer realm=\"webaccel\"", none.headers().firstValue("WWW-Authenticate")
                            .orElse(""));
                    assertTrue(none.body(), none.body().contains("needs a bearer token"));
                    HttpResponse<String> wrong = get(https, base, path, "not-" + TOKEN);
                    assertEquals(path + ": " + wrong.body(), 401, wrong.statusCode());
                    HttpResponse<String> right = get(https, base, path, TOKEN);
                    assertEquals(path + ": " + right.body(), 200, right.statusCode());
                }
            } finally {
                Run stopped = copy.run(copy.home(), "", "stop");
                assertEquals(stopped.toString(), 0, stopped.exit());
            }
        } finally {
            for (Path f : List.of(keystore, keys)) {
                Files.deleteIfExists(f);
            }
        }
    }

    /**
     * 192.0.2.1 is an address for documentation (RFC 5737): no host has it, so nothing binds and nothing is
     * exposed, yet the configuration asks for a non-loopback binding.
     */
    @Test
    public void aContainerBindingBeyondLoopbackWithoutTokensRefusesToRun() throws Exception {
        int port = freePort();
        try (DistributionCopy copy = DistributionCopy.make(home -> Files.writeString(
                home.resolve("conf/org.apache.felix.http.config"),
                "org.apache.felix.http.host = \"192.0.2.1\"\norg.osgi.service.http.port = I\"" + port + "\"\n"))) {
            Run run = copy.run(copy.home(), "", "run");
            assertEquals(run.toString(), 1, run.exit());
            assertTrue(run.err(), run.err().contains("webaccel: refused to run: the HTTP server binds 192.0.2.1, "
                    + "beyond loopback, and no bearer token is configured"));
        }
    }

    private static HttpResponse<String> get(HttpClient client, URI base, String path, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** @return TLS that trusts the server's own certificate, and nothing else */
    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** @return the condition, or false while nothing listens on the port yet */
    private static boolean listening(Await.Condition condition) throws Exception {
        try {
            return condition.holds();
        } catch (java.net.ConnectException e) {
            return false;
        }
    }
}
