package org.webaccel.pool.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import org.webaccel.api.DeadlineExceededException;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceException;
import org.webaccel.api.InferenceFailedException;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.Timings;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.transport.ChannelClosedException;
import org.webaccel.api.transport.PageException;
import org.webaccel.api.transport.PageResult;

/**
 * One run of one request, or of a batch of requests joined into one, on one worker: what it sent, when it
 * started, and what each of its requests gets from it (a result with its timings, or a classified failure).
 */
final class Attempt {
    final long id;
    final Worker worker;
    /** Its requests: one, or the members of a batch in the order their inputs were joined. */
    final List<Ticket> tickets;
    final ExecutionProvider ep;
    final long startNanos;
    /** Each request's turn this run completes, in the order of {@link #tickets}. */
    final List<CompletableFuture<Ran>> turns;
    /** Guarded by the dispatcher's lock: the check armed when a request reached its deadline in this run. */
    Future<?> hangCheck;

    /** Created under the dispatcher's lock, which guards the tickets' turns. */
    Attempt(long id, Worker worker, List<Ticket> tickets, ExecutionProvider ep, long now) {
        this.id = id;
        this.worker = worker;
        this.tickets = List.copyOf(tickets);
        this.ep = ep;
        this.startNanos = now;
        this.turns = tickets.stream().map(t -> t.turn).toList();
    }

    boolean isBatch() {
        return tickets.size() > 1;
    }

    PoolRequest lead() {
        return tickets.get(0).request;
    }

    /** Sends the run to the page; any failure to send comes back through the stage. */
    CompletionStage<PageResult> send() {
        try {
            PoolRequest r = lead();
            Map<String, Tensor> inputs = isBatch() ? Batches.join(tickets.stream().map(t -> t.request.inputs).toList())
                    : r.inputs;
            return worker.channel.run(r.model, ep, inputs, List.of(), r.shares.references(), r.shares.keep(),
                    r.shares.adopt());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * @return each request's result, in the order of {@link #tickets}: a batch's outputs split back by the
     *         members' batch sizes
     * @throws IllegalStateException when a batch's outputs cannot be split (the model does not batch)
     */
    List<InferenceResult> results(PageResult page, long now) {
        double transferMs = Math.max(0, page.roundTripMs() - page.computeMs() - page.loadMs());
        List<Map<String, Tensor>> outputs = isBatch()
                ? Batches.split(page.outputs(), tickets.stream().map(t -> Batches.size(t.request.inputs)).toList())
                : List.of(page.outputs());
        List<InferenceResult> results = new ArrayList<>();
        for (int i = 0; i < tickets.size(); i++) {
            Ticket t = tickets.get(i);
            PoolRequest r = t.request;
            long started = isBatch() ? startNanos : t.firstStartNanos;
            double queuedMs = (started - r.submittedNanos) / 1e6;
            Map<String, Double> stages = new LinkedHashMap<>();
            stages.put(Timings.QUEUE, queuedMs);
            stages.putAll(page.stagesMs());
            Timings timings = new Timings(queuedMs, page.loadMs(), transferMs, page.computeMs(), r.msSinceSubmit(now),
                    stages);
            results.add(new InferenceResult(r.model.id(), outputs.get(i), timings, worker.id, worker.host.backend, ep));
        }
        return results;
    }

    /** @return the class of a failed run: the connection's loss, the page's error, or the request's framing */
    static FailureClass classify(Throwable cause) {
        if (cause instanceof ChannelClosedException) {
            return FailureClass.CONNECTION_LOST;
        }
        if (cause instanceof PageException pe) {
            return FailureClassifier.classify(pe.errorName(), pe.getMessage());
        }
        return FailureClass.INVALID_INPUT;
    }

    /** @return the error a request of this run gets from its failure */
    InferenceException error(Ticket t, Throwable cause, FailureClass c) {
        long id = t.request.id;
        String what;
        if (cause instanceof ChannelClosedException) {
            what = "request " + id + " lost worker " + worker.id + ": " + cause.getMessage();
        } else if (cause instanceof PageException pe) {
            what = "model " + t.request.model.id() + " failed in worker " + worker.id + " while "
                    + ("load".equals(pe.stage()) ? "creating its session" : "running") + " on " + ep + ": "
                    + pe.getMessage();
        } else {
            // The request could not be framed for the page: its input, not the worker, is at fault.
            what = "request " + id + " could not be sent to worker " + worker.id + ": " + cause.getMessage();
        }
        if (isBatch()) {
            what = "request " + id + " ran in a batch of " + tickets.size() + ": " + what;
        }
        return new InferenceFailedException(what, c, t.runs, cause);
    }

    /**
     * @return the error of a request of this run that reached its deadline: a hang when the run is the one its
     *         page runs now; never run when it was held behind another (a page runs its attempts in order)
     */
    InferenceException expired(PoolRequest r, long timeoutMs) {
        if (worker.running().indexOf(this) > 0) {
            return new DeadlineExceededException(r + " waited on worker " + worker.id + " behind another run and "
                    + "reached its deadline of " + timeoutMs + " ms; it was never run");
        }
        return new DeadlineExceededException(r + " was still running " + (isBatch() ? "in a batch " : "")
                + "on worker " + worker.id + " at its deadline of " + timeoutMs + " ms", FailureClass.HANG);
    }

    /** @return the error of a run whose worker was lost (crashed, hung, closed) with the given class */
    InferenceException lost(Ticket t, FailureClass c, String reason) {
        return new InferenceFailedException("request " + t.request.id + " for " + t.request.model.id()
                + " lost worker " + worker.id + ": " + reason, c, t.runs, new ChannelClosedException(reason));
    }

    @Override
    public String toString() {
        return "run " + id + " of " + tickets + " on " + worker.id;
    }
}
