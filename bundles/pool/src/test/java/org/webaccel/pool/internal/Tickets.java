package org.webaccel.pool.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;

/** Requests and tickets for the unit tests of the request path's parts. */
final class Tickets {
    private static final AtomicLong IDS = new AtomicLong();

    private Tickets() {
    }

    /** A model with input {@code x} float32 [batch, 2] and output {@code y} of the same shape. */
    static ModelDescriptor model(String name) {
        return new ModelDescriptor(name, "1", ModelType.of("text"), "",
                List.of(TensorSpec.of("x", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(2))),
                List.of(TensorSpec.of("y", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(2))), Map.of());
    }

    static Ticket ticket(String model, int priority) {
        return ticket(model, priority, 1, ExecutionProvider.WASM, 0);
    }

    /** A ticket of {@code batch} rows, submitted at {@code submittedNanos}. */
    static Ticket ticket(String model, int priority, int batch, ExecutionProvider ep, long submittedNanos) {
        return ticket(model, InferenceOptions.defaults().withPriority(priority).withExecutionProvider(ep)
                .withTimeout(Duration.ofMinutes(1)), batch, submittedNanos);
    }

    /** A ticket of one row for any provider, with a backend choice (null for any backend). */
    static Ticket ticket(String model, BackendChoice backend) {
        return ticket(model, InferenceOptions.defaults().withExecutionProvider(ExecutionProvider.AUTO)
                .withBackend(backend), 1, 0);
    }

    private static Ticket ticket(String model, InferenceOptions o, int batch, long submittedNanos) {
        float[] values = new float[batch * 2];
        PoolRequest r = new PoolRequest(IDS.incrementAndGet(), model(model),
                Map.of("x", Tensor.ofFloats(new long[] {batch, 2}, values)), o, submittedNanos,
                PoolRequest.Shares.NONE);
        return new Ticket(r);
    }

    /** @return the models of the tickets, in order */
    static List<String> models(List<Ticket> tickets) {
        return tickets.stream().map(t -> t.request.model.name()).toList();
    }
}
