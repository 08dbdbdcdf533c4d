package org.webaccel.endpoint.internal;

import java.util.Optional;

/**
 * What a path under {@code /v2/models} asks for: {@code {name}[/versions/{version}]} followed by nothing
 * (metadata), {@code /ready} or {@code /infer}.
 *
 * @param name the model name
 * @param version the version, or null for the model's highest version
 * @param action what to do
 */
record ModelRoute(String name, String version, Action action) {

    /** The three model endpoints of the protocol. */
    enum Action {
        METADATA, READY, INFER
    }

    /**
     * @param pathInfo the path below {@code /v2/models}, e.g. {@code /text-encoder/versions/1/infer}
     * @return the route, or empty when the path is none of the protocol's model endpoints
     */
    static Optional<ModelRoute> parse(String pathInfo) {
        if (pathInfo == null || !pathInfo.startsWith("/")) {
            return Optional.empty();
        }
        String[] s = pathInfo.substring(1).split("/", -1);
        if (s[0].isEmpty()) {
            return Optional.empty();
        }
        boolean versioned = s.length >= 3 && s[1].equals("versions") && !s[2].isEmpty();
        int actionAt = versioned ? 3 : 1;
        if (s.length == actionAt) {
            return Optional.of(new ModelRoute(s[0], versioned ? s[2] : null, Action.METADATA));
        }
        if (s.length == actionAt + 1) {
            String version = versioned ? s[2] : null;
            return switch (s[actionAt]) {
                case "ready" -> Optional.of(new ModelRoute(s[0], version, Action.READY));
                case "infer" -> Optional.of(new ModelRoute(s[0], version, Action.INFER));
                default -> Optional.empty();
            };
        }
        return Optional.empty();
    }
}
