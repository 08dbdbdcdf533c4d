package org.webaccel.pool.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.failsafe.spi.Scheduler;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.health.FailureClass;

/**
 * The one owner of retries. Whether a failed run may run again is decided here, once per failure: its class
 * must allow it ({@link Recovery}), the request must still have time, the pool must not be stopping; an
 * operator one provider cannot run falls back to wasm, and one a backend cannot run on wasm moves to another
 * backend if one is in service. Failsafe's {@link RetryPolicy} applies that decision with the attempt budget
 * ({@code maxAttempts}) and each class's backoff. The first turn starts on the submitting thread; retries run
 * on the pool's timer.
 */
final class Retries {
    private static final Logger LOG = System.getLogger(Retries.class.getName());

    /** What the decision needs to know of the pool now. */
    interface Pool {
        /** @return whether the pool is stopping */
        boolean stopping();

        /** @return whether a worker in service belongs to a backend the route does not avoid */
        boolean anotherBackendServes(Route route);

        /**
         * @return whether a backend of the route's workers may still load the model on the provider
         *         ({@link SessionFailures})
         */
        default boolean loadable(String model, ExecutionProvider ep, Route route) {
            return true;
        }

        /**
         * @return whether a provider the route's workers offer can still load the model (or a worker is still
         *         starting)
         */
        default boolean anotherProviderLoads(String model, Route route) {
            return false;
        }
    }

    private final Scheduler scheduler;
    private final Pool pool;
    private final PoolCounters counters;
    private volatile int maxAttempts;

    Retries(ScheduledExecutorService timers, Pool pool, PoolCounters counters, int maxAttempts) {
        this.scheduler = new Inline(timers);
        this.pool = pool;
        this.counters = counters;
        this.maxAttempts = Math.max(1, maxAttempts);
    }

    /** Takes a new budget; it applies to requests submitted from now on. */
    void maxAttempts(int n) {
        this.maxAttempts = Math.max(1, n);
    }

    /**
     * Runs the request's turns until one succeeds or no retry is allowed.
     *
     * @param turn starts turn number {@code n} (1 for the first) and returns how it ends
     * @return how the request ends: its result, or the failure of its last turn
     */
    CompletableFuture<Ran> run(Ticket t, IntFunction<CompletableFuture<Ran>> turn) {
        STARTING.set(Boolean.TRUE);
        try {
            return Failsafe.with(policy(t)).with(scheduler).getStageAsync(ctx -> turn.apply(ctx.getAttemptCount() + 1));
        } finally {
            STARTING.remove();
        }
    }

    private RetryPolicy<Ran> policy(Ticket t) {
        return RetryPolicy.<Ran>builder()
                .handleIf((result, error) -> error instanceof TurnFailed f && mayRetry(t, f))
                .withMaxAttempts(maxAttempts)
                .withDelayFn(ctx -> ctx.getLastException() instanceof TurnFailed f
                        ? Recovery.plan(f.error.failureClass()).delay(ctx.getAttemptCount()) : Duration.ZERO)
                .onRetry(e -> {
                    counters.retried();
                    LOG.log(Level.INFO, t + " retried (attempt " + (e.getAttemptCount() + 1) + "): "
                            + e.getLastException().getMessage());
                })
                .build();
    }

    /** The decision: may the request run again after this failure? Changes its route for a fallback. */
    boolean mayRetry(Ticket t, TurnFailed f) {
        FailureClass c = f.error.failureClass();
        if (f.ranOn != null && !pool.loadable(t.request.model.id(), f.ranOn, t.route)) {
            return mayTryAnotherProvider(t, f);
        }
        if (Recovery.plan(c).retry() == Recovery.Retry.NEVER || pool.stopping()
                || System.nanoTime() - t.request.deadlineNanos >= 0) {
            return false;
        }
        if (c != FailureClass.UNSUPPORTED_OPERATOR || f.backend == null) {
            return true;
        }
        Route route = t.route;
        if (f.ranOn != ExecutionProvider.WASM) {
            t.route = route.fallBackToWasm();
            LOG.log(Level.INFO, t + ": " + f.ranOn + " cannot run it; falling back to wasm");
            return true;
        }
        Route elsewhere = route.avoiding(f.backend);
        t.route = elsewhere;
        boolean other = pool.anotherBackendServes(elsewhere);
        if (other) {
            LOG.log(Level.INFO, t + ": backend " + f.backend + " cannot run it on wasm; moving it to another backend");
        }
        return other;
    }

    /**
     * The model's session could not be created on the provider the run used: no worker would do better there
     * (every page runs the same ONNX Runtime Web), so the request moves to another provider it allows, if one
     * can still load the model: any when the caller left the choice to the pool, wasm after webgpu or webnn.
     */
    private boolean mayTryAnotherProvider(Ticket t, TurnFailed f) {
        if (pool.stopping() || System.nanoTime() - t.request.deadlineNanos >= 0) {
            return false;
        }
        String model = t.request.model.id();
        Route route = t.route;
        boolean another;
        if (route.ep() == ExecutionProvider.AUTO) {
            another = pool.anotherProviderLoads(model, route);
        } else if (route.ep() != ExecutionProvider.WASM && pool.loadable(model, ExecutionProvider.WASM, route)) {
            t.route = route.fallBackToWasm();
            another = true;
        } else {
            another = false;
        }
        if (another) {
            LOG.log(Level.INFO, t + ": model " + model + " cannot be loaded on " + f.ranOn + "; trying another provider");
        }
        return another;
    }

    /** Set while a request's first turn is being started, on the submitting thread. */
    private static final ThreadLocal<Boolean> STARTING = new ThreadLocal<>();

    /**
     * Starts a request's first turn on the submitting thread, and everything else on the timer. (A retry must
     * not run inline: Failsafe cancels the previous turn's dependencies after scheduling the next one, which
     * would then cancel the next one.)
     */
    private static final class Inline implements Scheduler {
        private final ScheduledExecutorService timers;

        Inline(ScheduledExecutorService timers) {
            this.timers = timers;
        }

        @Override
        public ScheduledFuture<?> schedule(Callable<?> callable, long delay, TimeUnit unit) {
            if (delay > 0 || STARTING.get() == null) {
                return timers.schedule(callable, delay, unit);
            }
            try {
                callable.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return DONE;
        }
    }

    /** What {@link Inline} returns for work it ran already: done, nothing to cancel. */
    private static final ScheduledFuture<Object> DONE = new ScheduledFuture<>() {
        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(0, o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    };
}
