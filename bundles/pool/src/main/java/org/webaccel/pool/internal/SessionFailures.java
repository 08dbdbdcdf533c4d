package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.SessionFailure;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.transport.PageException;

/**
 * The book of models that cannot be loaded on a provider of a backend: a page failed to create the model's
 * session there. The pages of one backend run the same browser and ONNX Runtime Web build, so one failure stands
 * for every worker of that backend: the record is kept per model version, backend and provider, placement leaves
 * that backend's provider out for the model (another backend may still load it), and it is forgotten when the
 * model is loaded anew. Thread-safe without a lock of its own (a concurrent map); nothing here waits.
 */
final class SessionFailures {
    private static final Logger LOG = System.getLogger(SessionFailures.class.getName());
    /** The providers a page can run, in the order the pool tries them when the caller leaves it the choice. */
    static final List<ExecutionProvider> PROVIDERS = List.of(ExecutionProvider.WASM, ExecutionProvider.WEBGPU,
            ExecutionProvider.WEBNN);

    /** model -> "backend provider" -> the first failure recorded there */
    private final Map<String, Map<String, SessionFailure>> byModel = new ConcurrentHashMap<>();
    private final Clock clock;

    SessionFailures() {
        this(Clock.systemUTC());
    }

    SessionFailures(Clock clock) {
        this.clock = clock;
    }

    private static String key(String backend, ExecutionProvider provider) {
        return backend + " " + provider.id();
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

    /** Records that the model's session could not be created on the backend's provider; the first reason stays. */
    void record(String model, String backend, ExecutionProvider provider, String reason) {
        SessionFailure f = new SessionFailure(model, backend, provider, reason, clock.instant());
        if (byModel.computeIfAbsent(model, m -> new ConcurrentHashMap<>()).putIfAbsent(key(backend, provider), f)
                == null) {
            LOG.log(Level.WARNING, f + " (placed there no more until it is loaded anew)");
        }
    }

    /** @return whether anything is recorded of the model */
    boolean hasAny(String model) {
        return byModel.containsKey(model);
    }

    /** @return whether the pool may place the model on the backend's provider */
    boolean loadable(String model, String backend, ExecutionProvider provider) {
        Map<String, SessionFailure> f = byModel.get(model);
        return f == null || !f.containsKey(key(backend, provider));
    }

    /**
     * @param offered the backends that offer each provider, among the workers that could serve
     * @return whether some backend offering the provider may still load the model; true when none offers it
     *         (nothing is known against it)
     */
    boolean loadable(String model, ExecutionProvider provider, Map<ExecutionProvider, Set<String>> offered) {
        Set<String> backends = offered.getOrDefault(provider, Set.of());
        return backends.isEmpty() || backends.stream().anyMatch(b -> loadable(model, b, provider));
    }

    /** @return the providers offered on which some offering backend may still load the model, in their order */
    Set<ExecutionProvider> loadableOf(String model, Map<ExecutionProvider, Set<String>> offered) {
        Set<ExecutionProvider> out = EnumSet.noneOf(ExecutionProvider.class);
        offered.forEach((ep, backends) -> {
            if (backends.stream().anyMatch(b -> loadable(model, b, ep))) {
                out.add(ep);
            }
        });
        return out;
    }

    /** Forgets what was recorded of the model: it is loaded anew. */
    void forget(String model) {
        byModel.remove(model);
    }

    /**
     * @return why the model cannot run on any of the providers: {@code model M is not loadable on provider P:
     *         REASON (backend B)}, one clause per backend and provider, joined with {@code ; }
     */
    String why(String model, Set<ExecutionProvider> providers) {
        return byModel.getOrDefault(model, Map.of()).values().stream().filter(f -> providers.contains(f.provider()))
                .sorted(ORDER).map(SessionFailure::toString).collect(Collectors.joining("; "));
    }

    private static final Comparator<SessionFailure> ORDER = Comparator.comparing(SessionFailure::model)
            .thenComparing(SessionFailure::provider).thenComparing(SessionFailure::backend);

    /** @return every record, by model, provider and backend */
    List<SessionFailure> all() {
        List<SessionFailure> out = new ArrayList<>();
        byModel.values().forEach(m -> out.addAll(m.values()));
        out.sort(ORDER);
        return out;
    }

    /**
     * Under the pool's lock: whether the request's model cannot be loaded on any provider it may run on. A request
     * for webgpu or webnn falls back to wasm when the model cannot be loaded on its provider (as it does for an
     * operator the provider lacks); one that leaves the choice to the pool may run on any provider its workers
     * offer.
     *
     * @param providersOffered the backends offering each provider among the workers that could serve the request,
     *        null while one of them is starting
     * @return why no provider it may run on can load its model, or null when one can (or may: a worker starts)
     */
    String refusal(Ticket t, Supplier<Map<ExecutionProvider, Set<String>>> providersOffered) {
        Map<ExecutionProvider, Set<String>> offered = providersOffered.get();
        if (offered == null || offered.isEmpty()) {
            return null;
        }
        String model = t.request.model.id();
        Route route = t.route;
        if (route.ep() != ExecutionProvider.AUTO) {
            if (loadable(model, route.ep(), offered)) {
                return null;
            }
            if (route.ep() != ExecutionProvider.WASM && loadable(model, ExecutionProvider.WASM, offered)) {
                t.route = route.fallBackToWasm();
                return null;
            }
            // The provider asked for first, then wasm, which it would have fallen back to.
            return route.ep() == ExecutionProvider.WASM ? why(model, EnumSet.of(ExecutionProvider.WASM))
                    : why(model, EnumSet.of(route.ep())) + "; " + why(model, EnumSet.of(ExecutionProvider.WASM));
        }
        return loadableOf(model, offered).isEmpty() ? why(model, offered.keySet()) : null;
    }
}
