package org.webaccel.scheduler.internal;

import java.lang.reflect.Proxy;
import org.webaccel.api.scheduling.PlacementPolicy;

/** The scheduler's default placement built outside Felix, for the placement microbenchmark. */
public final class Policies {
    private Policies() {
    }

    /** @return the default placement with its configuration defaults and no history */
    public static PlacementPolicy defaultPlacement() {
        SchedulerConfig defaults = (SchedulerConfig) Proxy.newProxyInstance(SchedulerConfig.class.getClassLoader(),
                new Class<?>[] {SchedulerConfig.class}, (proxy, method, args) -> method.getDefaultValue());
        return new DefaultPlacement(Settings.from(defaults), () -> History.EMPTY);
    }
}
