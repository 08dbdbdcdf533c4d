package org.webaccel.pool.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Dynamic batching: which waiting requests run together with the one placement takes next. Requests of the
 * same model and provider whose inputs join along the batch dimension go together, up to the model's largest
 * batch; a batch below its preferred size may wait for more while its oldest request has waited less than
 * the model's delay. Requests that share tensors with a page, or that avoid a backend, run alone.
 */
final class Batcher {

    /**
     * What to run now.
     *
     * @param members the requests to run together (the lead first), or empty when the batch should wait
     * @param waitNanos how much longer the batch may wait for more, when it waits
     */
    record Plan(List<Ticket> members, long waitNanos) {
        boolean waits() {
            return members.isEmpty();
        }
    }

    private Batcher() {
    }

    /**
     * @param lead the request to run next
     * @param queue the waiting requests, in queue order
     * @param settings the models' batch sizes and delays
     * @param now the time
     * @return the members of the run, or how long it should wait
     */
    static Plan plan(Ticket lead, List<Ticket> queue, ModelSettings settings, long now) {
        PoolRequest r = lead.request;
        String model = r.model.name();
        int max = settings.batchMax(model);
        if (max <= 1 || !joinable(lead) || !Batches.batchable(r.model)) {
            return new Plan(List.of(lead), 0);
        }
        List<Ticket> members = new ArrayList<>(List.of(lead));
        long size = Batches.size(r.inputs);
        long oldest = now - r.submittedNanos;
        for (Ticket q : queue) {
            if (size >= max) {
                break;
            }
            if (q != lead && q.request.model.id().equals(r.model.id()) && q.route.ep() == lead.route.ep()
                    && joinable(q) && !q.isDone() && Batches.compatible(r.inputs, q.request.inputs)
                    && size + Batches.size(q.request.inputs) <= max) {
                members.add(q);
                size += Batches.size(q.request.inputs);
                oldest = Math.max(oldest, now - q.request.submittedNanos);
            }
        }
        long wait = settings.batchDelayNanos(model) - oldest;
        if (size < settings.batchPreferred(model) && wait > 0) {
            return new Plan(List.of(), wait);
        }
        return new Plan(members, 0);
    }

    /** @return whether the request may join others: it shares nothing and avoids no backend */
    private static boolean joinable(Ticket t) {
        return t.route.avoid().isEmpty() && !t.request.shares.any();
    }
}
