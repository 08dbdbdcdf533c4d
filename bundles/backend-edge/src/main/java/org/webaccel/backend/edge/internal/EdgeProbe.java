package org.webaccel.backend.edge.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.webaccel.api.spi.BackendDescription;

/**
 * Finds Edge and msedgedriver and asks both for their versions. Edge can only be driven by the msedgedriver
 * of its own major version, so a mismatch makes the backend unavailable with a reason, rather than every
 * launch failing with the driver's "session not created".
 */
final class EdgeProbe {

    static final String NAME = "edge";
    static final String FAMILY = "edge";
    /** Microsoft's Linux packages put microsoft-edge(-stable) on the PATH; Windows and macOS name it msedge. */
    static final List<String> EDGE_NAMES = List.of("msedge", "microsoft-edge-stable", "microsoft-edge");
    static final List<String> DRIVER_NAMES = List.of("msedgedriver");
    private static final String UNKNOWN = "unknown";

    /**
     * What the probe found.
     *
     * @param description available with Edge's version, or unavailable with the reason
     * @param edge the Edge executable, when available
     * @param driver the msedgedriver executable, when available
     */
    record Installation(BackendDescription description, Path edge, Path driver) {
    }

    /** An executable found, or why not. */
    private record Located(Path path, String problem) {
    }

    private final EdgeSettings settings;

    EdgeProbe(EdgeSettings settings) {
        this.settings = settings;
    }

    Installation probe() {
        Located edge = locate(settings.edgeExecutable(), EDGE_NAMES, "edgeExecutable");
        if (edge.problem() != null) {
            return unavailable(edge.problem());
        }
        Located driver = locate(settings.driverExecutable(), DRIVER_NAMES, "edgeDriverExecutable");
        if (driver.problem() != null) {
            return unavailable(driver.problem());
        }
        VersionCommand.Answer edgeVersion = VersionCommand.run(edge.path(), settings.probeTimeout());
        if (edgeVersion.version().isEmpty()) {
            return unavailable(edgeVersion.problem());
        }
        VersionCommand.Answer driverVersion = VersionCommand.run(driver.path(), settings.probeTimeout());
        if (driverVersion.version().isEmpty()) {
            return unavailable(driverVersion.problem());
        }
        if (edgeVersion.major() != driverVersion.major()) {
            return new Installation(BackendDescription.unavailable(NAME, FAMILY, edgeVersion.version().get(),
                    "msedgedriver " + driverVersion.version().get() + " (" + driver.path() + ") cannot drive Edge "
                            + edgeVersion.version().get() + " (" + edge.path() + "): their major versions must match"),
                    null, null);
        }
        return new Installation(BackendDescription.available(NAME, FAMILY, edgeVersion.version().get()), edge.path(),
                driver.path());
    }

    private Located locate(Optional<Path> configured, List<String> names, String attribute) {
        if (configured.isPresent()) {
            Path path = configured.get();
            return Executables.problem(path)
                    .map(problem -> new Located(null, "the configured " + attribute + " " + path + " " + problem))
                    .orElseGet(() -> new Located(path, null));
        }
        return Executables.onPath(settings.searchPath(), names).map(path -> new Located(path, null))
                .orElseGet(() -> new Located(null, Executables.describe(names) + " not found on PATH ("
                        + settings.searchPath() + ") and no executable configured (" + attribute + ")"));
    }

    private static Installation unavailable(String reason) {
        return new Installation(BackendDescription.unavailable(NAME, FAMILY, UNKNOWN, reason), null, null);
    }
}
