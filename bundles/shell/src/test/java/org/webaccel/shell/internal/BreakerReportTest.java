package org.webaccel.shell.internal;

import static org.junit.Assert.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;
import org.webaccel.api.health.BreakerHistory;
import org.webaccel.api.health.BreakerState;
import org.webaccel.api.health.BreakerState.Phase;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.Scope;

/** The text of {@code pool:breakers}, plain and with {@code -v}. */
public class BreakerReportTest {

    private static final Instant T = Instant.parse("2026-12-03T16:40:00.123456Z");

    private final BreakerState backend = new BreakerState(Scope.BACKEND, "chromium", "chromium", "chromium",
            Phase.CLOSED, 0, 0, 4, 4, Duration.ZERO);
    private final BreakerState worker = new BreakerState(Scope.WORKER, "chromium-1-1", "chromium", "chromium",
            Phase.OPEN, 5, 5, 0, 5, Duration.ofSeconds(29));
    private final BreakerHistory workerHistory = new BreakerHistory(Scope.WORKER, "chromium-1-1", "chromium",
            T.plusSeconds(4), List.of(new BreakerHistory.Transition(T.plusSeconds(4), Phase.CLOSED, Phase.OPEN,
                    "connection_lost: 5 consecutive failures")),
            List.of(new BreakerHistory.Failure(T, FailureClass.CONNECTION_LOST, "socket closed"),
                    new BreakerHistory.Failure(T.plusSeconds(4), null, "")),
            Map.of(Phase.OPEN, 1L));

    @Test
    public void withoutVerboseOneLinePerBreaker() {
        String text = BreakerReport.render(List.of(backend, worker), b -> Optional.of(workerHistory), false, T);
        assertEquals(""
                + "SCOPE    ID                   BACKEND    STATE      STREAK FAILURES SUCCESSES  RETRY IN\n"
                + "backend  chromium             chromium   closed          0        0         4  -\n"
                + "worker   chromium-1-1         chromium   open            5        5         0  29 s\n", text);
    }

    @Test
    public void verboseAddsPhaseChangesAndFailures() {
        BreakerHistory quiet = new BreakerHistory(Scope.BACKEND, "chromium", "chromium", T, List.of(), List.of(),
                Map.of());
        String text = BreakerReport.render(List.of(backend, worker),
                b -> Optional.of(b.scope() == Scope.WORKER ? workerHistory : quiet), true, T.plusSeconds(75));
        assertEquals(""
                + "SCOPE    ID                   BACKEND    STATE      STREAK FAILURES SUCCESSES  RETRY IN\n"
                + "backend  chromium             chromium   closed          0        0         4  -\n"
                + "    closed for 1 min 15 s (since 2026-12-03T16:40:00.123Z); entered open 0, half-open 0, closed 0 "
                + "times\n"
                + "    no phase changes\n"
                + "    no failures counted\n"
                + "worker   chromium-1-1         chromium   open            5        5         0  29 s\n"
                + "    open for 1 min 11 s (since 2026-12-03T16:40:04.123Z); entered open 1, half-open 0, closed 0 "
                + "times\n"
                + "    phase changes, newest last:\n"
                + "      2026-12-03T16:40:04.123Z  closed    -> open       connection_lost: 5 consecutive failures\n"
                + "    failures counted, newest last:\n"
                + "      2026-12-03T16:40:00.123Z  connection_lost  socket closed\n"
                + "      2026-12-03T16:40:04.123Z  slow_call        -\n", text);
    }

    @Test
    public void aBreakerWithoutHistorySaysSo() {
        String text = BreakerReport.render(List.of(worker), b -> Optional.empty(), true, T);
        assertEquals(List.of("SCOPE    ID                   BACKEND    STATE      STREAK FAILURES SUCCESSES  RETRY IN",
                "worker   chromium-1-1         chromium   open            5        5         0  29 s",
                "    no history kept"), text.lines().toList());
    }

    @Test
    public void agesReadAsAnOperatorWouldSayThem() {
        assertEquals("0 s", BreakerReport.age(Duration.ofMillis(-5)));
        assertEquals("59 s", BreakerReport.age(Duration.ofSeconds(59)));
        assertEquals("2 h 10 min", BreakerReport.age(Duration.ofMinutes(130)));
    }
}
