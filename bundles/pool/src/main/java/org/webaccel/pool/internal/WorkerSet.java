package org.webaccel.pool.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.ExecutionProvider;

/**
 * The workers in service (starting, idle or busy; not closed), in the order they opened. Not thread-safe: the
 * dispatcher uses it under its lock.
 */
final class WorkerSet {
    private final List<Worker> workers = new ArrayList<>();

    void add(Worker w) {
        workers.add(w);
    }

    void remove(Worker w) {
        workers.remove(w);
    }

    List<Worker> all() {
        return workers;
    }

    /** @return whether some worker can take an attempt now */
    boolean anyWithRoom() {
        for (Worker w : workers) {
            if (w.hasRoom()) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the workers that can take this request's next run now: room for it, the provider it must run on
     *         (any for {@code auto}), a backend it may run on ({@link Route#allows}), and the page that holds its
     *         shared tensors; of those, the ones of a backend the caller prefers when any is free, and of those
     *         the ones running the fewest attempts, so that a page gets a second request to hold only when every
     *         other page is busy too
     */
    List<Worker> withRoomFor(Ticket t) {
        Route route = t.route;
        String holder = t.request.shares.holder();
        List<Worker> free = new ArrayList<>();
        int fewest = Integer.MAX_VALUE;
        boolean preferredOnly = false;
        for (Worker w : workers) {
            if (!w.hasRoom() || (route.ep() != ExecutionProvider.AUTO && !w.supports(route.ep()))
                    || !route.allows(w.host.backend, w.host.family) || (holder != null && !holder.equals(w.id))) {
                continue;
            }
            boolean preferred = route.prefers(w.host.backend, w.host.family);
            if (preferredOnly && !preferred) {
                continue;
            }
            int n = w.running().size();
            if (preferred && !preferredOnly) {
                preferredOnly = true;
                free.clear();
                fewest = n;
            }
            if (n < fewest) {
                free.clear();
                fewest = n;
            }
            if (n == fewest) {
                free.add(w);
            }
        }
        return free;
    }

    /**
     * @return whether a request that reads tensors the worker {@code holder} keeps should run on another worker,
     *         with the tensors moved there: the holder is draining, its backend is not one the request may run
     *         on, it lacks the provider the request must run on while another allowed worker has it, or the
     *         request prefers another backend that has a worker in service. A busy holder is waited for: moving
     *         the bytes through the pool usually costs more than the wait. False when the holder is not in
     *         service.
     */
    boolean betterThanHolder(String holder, Route route) {
        Worker h = null;
        for (Worker w : workers) {
            if (w.id.equals(holder)) {
                h = w;
            }
        }
        if (h == null) {
            return false;
        }
        if (h.isDraining() || !route.allows(h.host.backend, h.host.family)) {
            return true;
        }
        boolean holderHasProvider = route.ep() == ExecutionProvider.AUTO || h.supports(route.ep());
        boolean holderPreferred = route.backend() == null || route.prefers(h.host.backend, h.host.family);
        for (Worker w : workers) {
            if (w == h || w.isDraining() || !route.allows(w.host.backend, w.host.family)) {
                continue;
            }
            boolean hasProvider = route.ep() == ExecutionProvider.AUTO || w.supports(route.ep());
            if (hasProvider && (!holderHasProvider || !holderPreferred && route.prefers(w.host.backend, w.host.family))) {
                return true;
            }
        }
        return false;
    }

    /** @return whether a worker with this id is in service */
    boolean has(String id) {
        for (Worker w : workers) {
            if (w.id.equals(id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * False only when workers in service exist, none is still starting, and none can run the request. With no
     * worker in service (none yet, or all draining) a request waits: a backend may come or come back.
     */
    boolean anyCouldServe(Ticket t) {
        // Whether a worker could ever take it, not whether it can now: a worker of a browser being recycled
        // will be replaced by one of the same kind.
        Route route = t.route;
        boolean anyInService = false;
        boolean anyAllowed = false;
        for (Worker w : workers) {
            if (w.isDraining()) {
                continue;
            }
            anyInService = true;
            if (!route.allows(w.host.backend, w.host.family)) {
                continue;
            }
            anyAllowed = true;
            if (w.isStarting() || route.ep() == ExecutionProvider.AUTO || w.supports(route.ep())) {
                return true;
            }
        }
        // A request that requires a backend with no worker in service waits too: the backend may come back.
        BackendChoice b = route.backend();
        return !anyInService || (b != null && b.required() && !anyAllowed && route.avoid().isEmpty());
    }

    /** @return whether a worker in service belongs to a backend the request may still run on */
    boolean anyOutside(Route route) {
        for (Worker w : workers) {
            if (!w.isDraining() && route.allows(w.host.backend, w.host.family)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the providers the workers in service that the route allows offer, each with the backends offering
     *         it; null while one of them is still starting (what it offers is not known yet)
     */
    Map<ExecutionProvider, Set<String>> providersFor(Route route) {
        Map<ExecutionProvider, Set<String>> offered = new EnumMap<>(ExecutionProvider.class);
        for (Worker w : workers) {
            if (w.isDraining() || !route.allows(w.host.backend, w.host.family)) {
                continue;
            }
            if (w.isStarting()) {
                return null;
            }
            SessionFailures.PROVIDERS.stream().filter(w::supports)
                    .forEach(ep -> offered.computeIfAbsent(ep, e -> new HashSet<>()).add(w.host.backend));
        }
        return offered;
    }

    /** @return why no worker can run the request: one reason per worker */
    String unsupportedReasons(Ticket t) {
        ExecutionProvider ep = t.route.ep();
        List<String> reasons = new ArrayList<>();
        for (Worker w : workers) {
            var caps = w.channel == null ? null : w.channel.capabilities();
            String why = t.route.avoid().contains(w.host.backend) ? "its backend failed this model"
                    : !t.route.allows(w.host.backend, w.host.family) ? "the request requires backend " + t.route.backend().target()
                    : caps == null ? "no capabilities"
                    : ep == ExecutionProvider.WEBGPU && caps.webgpu() != null ? caps.webgpu().reason()
                    : ep == ExecutionProvider.WEBNN && caps.webnn() != null ? caps.webnn().devices().toString()
                    : "not supported";
            reasons.add(w.id + ": " + why);
        }
        return String.join("; ", reasons);
    }

    /** @return "N workers connected, M starting" */
    String describe() {
        long starting = workers.stream().filter(Worker::isStarting).count();
        return (workers.size() - starting) + " workers connected, " + starting + " starting";
    }
}
