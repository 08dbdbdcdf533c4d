package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.SessionFailure;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.transport.PageException;

/**
 * The book of models that cannot be loaded on a provider: a page failed to create the model's session there.
 * Every page runs the same ONNX Runtime Web build, so one failure stands for every worker: the record is kept per
 * model version and provider, placement leaves that provider out for the model, and it is forgotten when the
 * model is loaded anew. Thread-safe without a lock of its own (a concurrent map); nothing here waits.
 */
final class SessionFailures {
    private static final Logger LOG = System.getLogger(SessionFailures.class.getName());
    /** The providers a page can run, in the order the pool tries them when the caller leaves it the choice. */
    static final List<ExecutionProvider> PROVIDERS = List.of(ExecutionProvider.WASM, ExecutionProvider.WEBGPU,
            ExecutionProvider.WEBNN);

    private final Map<String, Map<ExecutionProvider, SessionFailure>> byModel = new ConcurrentHashMap<>();
    private final Clock clock;

    SessionFailures() {
        this(Clock.systemUTC());
    }

    SessionFailures(Clock clock) {
        this.clock = clock;
    }

    /**
     * Whether a failed run says the model cannot be loaded on its provider: the page failed at creating the
     * session (stage {@code load}) for a reason of the model's (an operator the provider lacks, a graph it
     * cannot resolve), not of the page's (memory, a lost connection).
     */
    static boolean isSessionFailure(Throwable cause, FailureClass c) {
        return cause instanceof PageException pe && "load".equals(pe.stage())
                && (c == FailureClass.UNSUPPORTED_OPERATOR || c == FailureClass.MODEL_ERROR);
    }

    /** Records that the model's session could not be created on the provider; the first reason stays. */
    void record(String model, ExecutionProvider provider, String reason) {
        SessionFailure f = new SessionFailure(model, provider, reason, clock.instant());
        if (byModel.computeIfAbsent(model, m -> new ConcurrentHashMap<>()).putIfAbsent(provider, f) == null) {
            LOG.log(Level.WARNING, f + " (placed there no more until it is loaded anew)");
        }
    }

    /** @return whether the pool may place the model on the provider ({@code auto} always may) */
    boolean loadable(String model, ExecutionProvider provider) {
        Map<ExecutionProvider, SessionFailure> f = byModel.get(model);
        return f == null || !f.containsKey(provider);
    }

    /** @return the providers of {@code among} the model can still be placed on, in their order */
    Set<ExecutionProvider> loadableOf(String model, Set<ExecutionProvider> among) {
        Set<ExecutionProvider> out = EnumSet.noneOf(ExecutionProvider.class);
        among.stream().filter(ep -> loadable(model, ep)).forEach(out::add);
        return out;
    }

    /** Forgets what was recorded of the model: it is loaded anew. */
    void forget(String model) {
        byModel.remove(model);
    }

    /**
     * @return why the model cannot run on any of the providers: {@code model M is not loadable on provider P:
     *         REASON}, one clause per provider, joined with {@code ; }
     */
    String why(String model, Set<ExecutionProvider> providers) {
        Map<ExecutionProvider, SessionFailure> f = byModel.getOrDefault(model, Map.of());
        return providers.stream().sorted().map(f::get).filter(Objects::nonNull).map(SessionFailure::toString)
                .collect(Collectors.joining("; "));
    }

    /** @return every record, by model and then provider */
    List<SessionFailure> all() {
        List<SessionFailure> out = new ArrayList<>();
        byModel.values().forEach(m -> out.addAll(m.values()));
        out.sort(Comparator.comparing(SessionFailure::model).thenComparing(SessionFailure::provider));
        return out;
    }

    /**
     * Under the pool's lock: whether the request's model cannot be loaded on any provider it may run on. A request for
     * webgpu or webnn falls back to wasm when the model cannot be loaded on its provider (as it does for an
     * operator the provider lacks); one that leaves the choice to the pool may run on any provider its workers
     * offer.
     *
     * @param providersOffered the providers the workers that could serve the request offer
     * @return why no provider it may run on can load its model, or null when one can (or may: a worker starts)
     */
    String refusal(Ticket t, Supplier<Set<ExecutionProvider>> providersOffered) {
        SessionFailures failures = this;
        String model = t.request.model.id();
        Route route = t.route;
        if (route.ep() != ExecutionProvider.AUTO) {
            if (failures.loadable(model, route.ep())) {
                return null;
            }
            if (route.ep() != ExecutionProvider.WASM && failures.loadable(model, ExecutionProvider.WASM)) {
                t.route = route.fallBackToWasm();
                return null;
            }
            // The provider asked for first, then wasm, which it would have fallen back to.
            return route.ep() == ExecutionProvider.WASM ? failures.why(model, EnumSet.of(ExecutionProvider.WASM))
                    : failures.why(model, EnumSet.of(route.ep())) + "; "
                            + failures.why(model, EnumSet.of(ExecutionProvider.WASM));
        }
        Set<ExecutionProvider> offered = providersOffered.get();
        if (offered == null || offered.isEmpty() || !failures.loadableOf(model, offered).isEmpty()) {
            return null;
        }
        return failures.why(model, offered);
    }
}
