package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.model.ModelChange;
import org.webaccel.api.model.ModelDescriptor;

/**
 * Carries the model repository's changes into the pool: requests still queued for a model that left the
 * repository fail with {@link ModelNotFoundException} (running ones end as they would), and every page releases
 * its sessions of a model that left or whose files changed, so the next run of a changed model loads it anew;
 * what the pool recorded of providers such a model could not be loaded on ({@link SessionFailures}) is forgotten.
 * New models need nothing: requests find them in the repository.
 */
final class ModelChanges {
    private static final Logger LOG = System.getLogger(ModelChanges.class.getName());

    private final PoolState state;

    ModelChanges(PoolState state) {
        this.state = state;
    }

    void apply(ModelChange change) {
        List<ModelDescriptor> gone = new ArrayList<>(change.removed());
        List<String> goneIds = gone.stream().map(ModelDescriptor::id).toList();
        List<String> unload = new ArrayList<>(goneIds);
        change.replaced().forEach(d -> unload.add(d.id()));
        List<Ticket> refused = new ArrayList<>();
        List<Worker> workers;
        synchronized (state.lock) {
            for (Ticket t : List.copyOf(state.queue.waiting())) {
                if (goneIds.contains(t.request.model.id())) {
                    state.queue.remove(t);
                    refused.add(t);
                }
            }
            workers = List.copyOf(state.workers.all());
        }
        for (Ticket t : refused) {
            CompletableFuture<Ran> turn = t.turn;
            turn.completeExceptionally(new TurnFailed(new ModelNotFoundException("model '" + t.request.model.id()
                    + "' was unloaded from the model repository while " + t + " waited; it was never run")));
        }
        for (String id : unload) {
            state.sessionFailures.forget(id);
            for (Worker w : workers) {
                w.loaded.removeIf(key -> key.startsWith(id + "@"));
                if (w.channel != null) {
                    w.channel.unloadModel(id);
                }
            }
        }
        if (!unload.isEmpty()) {
            LOG.log(Level.INFO, "models " + unload + " unloaded from " + workers.size() + " pages; " + refused.size()
                    + " queued requests for removed models ended");
        }
    }
}
