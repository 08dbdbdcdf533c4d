package org.webaccel.backend.grid.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.webdriver.BrowserOptions;
import org.webaccel.webdriver.GridStatus;
import org.webaccel.webdriver.WebDriverSessions;

/** Decides from the Grid's {@code /status} whether the backend can launch browsers there. */
final class GridCheck {

    static final String NAME = "grid";
    private static final String UNKNOWN = "unknown";
    private static final Map<String, String> FAMILIES = Map.of(BrowserOptions.CHROME, "chromium",
            BrowserOptions.EDGE, "edge", BrowserOptions.FIREFOX, "firefox");

    private final GridSettings settings;
    private final WebDriverSessions sessions;

    GridCheck(GridSettings settings, WebDriverSessions sessions) {
        this.settings = settings;
        this.sessions = sessions;
    }

    /**
     * @param lastVersion the browser version a session on this Grid reported, if any: stereotypes often name none
     * @return available with the browser's version when the Grid is ready and offers a configured browser
     */
    BackendDescription check(Optional<String> lastVersion) {
        String family = FAMILIES.getOrDefault(settings.browsers().get(0), settings.browsers().get(0));
        URI grid;
        GridStatus status;
        try {
            grid = settings.grid();
            status = sessions.gridStatus(grid, settings.statusTimeout());
        } catch (IllegalArgumentException | BackendException e) {
            return BackendDescription.unavailable(NAME, family, UNKNOWN, e.getMessage());
        }
        if (!status.ready()) {
            return BackendDescription.unavailable(NAME, family, UNKNOWN,
                    "the Selenium Grid at " + grid + " is not ready: " + status.message());
        }
        List<GridStatus.Slot> offered = new ArrayList<>();
        for (String browser : settings.browsers()) {
            status.slotFor(browser).ifPresent(offered::add);
        }
        if (offered.isEmpty()) {
            List<String> names = status.slots().stream().map(GridStatus.Slot::browserName).distinct().sorted().toList();
            return BackendDescription.unavailable(NAME, family, UNKNOWN, "the Selenium Grid at " + grid + " offers no "
                    + String.join(" or ", settings.browsers())
                    + (names.isEmpty() ? " (it has no node that is up)" : " (its nodes offer " + String.join(", ", names) + ")"));
        }
        String version = offered.stream().map(GridStatus.Slot::browserVersion).filter(v -> !v.isEmpty()).findFirst()
                .or(() -> lastVersion).orElse(UNKNOWN);
        return BackendDescription.available(NAME, family, version);
    }
}
