package org.webaccel.endpoint.internal.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Who may use the HTTP endpoints, decided from the configured bearer tokens: with tokens, a request needs one of
 * them; without, only loopback clients are served unless the configuration allows others explicitly.
 */
final class AccessPolicy {

    /** What to answer a request. */
    record Decision(int status, String reason) {
        static final Decision ALLOW = new Decision(200, null);

        boolean allowed() {
            return reason == null;
        }
    }

    private static final String BEARER = "bearer ";

    /** SHA-256 of each token: compared in constant time, and the tokens themselves are not kept. */
    private final List<byte[]> tokenDigests;
    private final boolean allowUnauthenticatedRemote;

    AccessPolicy(String[] tokens, boolean allowUnauthenticatedRemote) {
        this.tokenDigests = Arrays.stream(tokens == null ? new String[0] : tokens).map(String::strip)
                .filter(t -> !t.isEmpty()).map(AccessPolicy::digest).toList();
        this.allowUnauthenticatedRemote = allowUnauthenticatedRemote;
    }

    static AccessPolicy of(AccessConfig c) {
        return new AccessPolicy(c.bearerTokens(), c.allowUnauthenticatedRemote());
    }

    boolean hasTokens() {
        return !tokenDigests.isEmpty();
    }

    /**
     * @param authorization the request's Authorization header, or null
     * @param loopback whether the request arrived on a loopback address
     * @return allow, 401 (a token is needed, or the one given is not known) or 403 (remote, no tokens configured)
     */
    Decision check(String authorization, boolean loopback) {
        if (hasTokens()) {
            if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
                return new Decision(401, "this server needs a bearer token: send 'Authorization: Bearer TOKEN'");
            }
            byte[] given = digest(authorization.substring(BEARER.length()).strip());
            boolean known = false;
            for (byte[] token : tokenDigests) {
                known |= MessageDigest.isEqual(token, given);
            }
            return known ? Decision.ALLOW : new Decision(401, "the bearer token is not one this server accepts");
        }
        if (loopback || allowUnauthenticatedRemote) {
            return Decision.ALLOW;
        }
        return new Decision(403, "this server serves only loopback clients: configure bearerTokens of "
                + AccessFilter.PID + " (or allowUnauthenticatedRemote) to serve others");
    }

    /**
     * @param host the HTTP server's configured bind address; null or empty for every interface
     * @return why the container must not serve on it as configured, or null when it may
     */
    String refusal(String host) {
        if (hasTokens() || allowUnauthenticatedRemote) {
            return null;
        }
        String shown = host == null || host.isBlank() ? "every interface (no org.apache.felix.http.host)" : host;
        if (host != null && !host.isBlank() && isLoopback(host)) {
            return null;
        }
        return "the HTTP server binds " + shown + ", beyond loopback, and no bearer token is configured: set "
                + "bearerTokens in conf/" + AccessFilter.PID + ".config, or allowUnauthenticatedRemote = B\"true\" "
                + "to serve without, or bind org.apache.felix.http.host = \"127.0.0.1\"";
    }

    private static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
