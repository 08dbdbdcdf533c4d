package org.webaccel.endpoint.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.RequestMemory;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.tensor.Tensor;

/**
 * {@code POST /v2/models/{name}[/versions/{version}]/infer}: decodes the request, submits it to the pool and
 * answers when the pool's stage completes, without holding a server thread while the request waits or runs.
 */
final class InferenceHandler {
    private static final Logger LOG = System.getLogger(InferenceHandler.class.getName());
    private static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    private final ResourcePool pool;
    private final ModelCatalog catalog;
    private final InferRequestDecoder decoder;
    private final InferResponseEncoder encoder;
    private final JsonResponses responses;
    private final int maxRequestBytes;

    /**
     * @param pool the pool that runs the requests
     * @param catalog the pool's models
     * @param decoder reads request bodies
     * @param encoder writes results
     * @param responses writes answers
     * @param maxRequestBytes the largest request body accepted
     */
    InferenceHandler(ResourcePool pool, ModelCatalog catalog, InferRequestDecoder decoder,
            InferResponseEncoder encoder, JsonResponses responses, int maxRequestBytes) {
        this.pool = pool;
        this.catalog = catalog;
        this.decoder = decoder;
        this.encoder = encoder;
        this.responses = responses;
        this.maxRequestBytes = maxRequestBytes;
    }

    /**
     * Everything that can be refused is refused before the pool sees the request (unknown model, malformed
     * body, unknown output); the pool's own checks (inputs against the signature, queue) follow in
     * {@code infer}, whose stage then fails at once.
     *
     * @param route the model and version the path names
     * @param request the HTTP request
     * @param response the HTTP response, written now for a refused request, else when the pool answers
     * @throws ProtocolException for a malformed request (400) or one over the size limit (413)
     * @throws org.webaccel.api.ModelNotFoundException for a model the pool does not have
     * @throws IOException if the client went away while sending
     */
    void handle(ModelRoute route, HttpServletRequest request, HttpServletResponse response) throws IOException {
        ModelDescriptor model = catalog.find(route.name(), route.version());
        InferRequest infer = decoder.decode(RequestBody.read(request, maxRequestBytes), headerLength(request));
        infer.checkOutputs(model);
        AsyncContext async = request.startAsync();
        // No container timeout: the pool ends every request by its deadline, and a timeout here would answer
        // while the request still runs.
        async.setTimeout(0);
        InferRequest reply = infer.withoutInputs();
        submit(model, infer.inputs(), infer.options()).whenComplete((result, error) -> {
            // The result's bytes count against the pool's request memory until the client has them, so that a
            // slow client slows admission instead of filling the heap.
            RequestMemory.Hold held = pool.requestMemory().hold(result == null ? 0 : outputBytes(result));
            // The stage may complete on the bridge's I/O thread: write the answer on a container thread.
            async.start(() -> {
                try {
                    respond(async, reply, result, error);
                } finally {
                    held.close();
                }
            });
        });
    }

    private static long outputBytes(InferenceResult result) {
        return result.outputs().values().stream().mapToLong(Tensor::byteSize).sum();
    }

    // Once the request is asynchronous, every failure must arrive through the stage, or nothing would ever
    // complete it: the pool reports its own errors that way, and anything it throws is turned into one.
    private CompletionStage<InferenceResult> submit(ModelDescriptor model, Map<String, Tensor> inputs,
            InferenceOptions options) {
        try {
            return pool.infer(model.id(), inputs, options);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void respond(AsyncContext async, InferRequest infer, InferenceResult result, Throwable error) {
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        try {
            if (error == null) {
                responses.send(response, 200, encoder.encode(infer, result));
            } else {
                responses.sendError(response, HttpError.of(error));
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "client went away before its answer was written", e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot write the answer of an inference request", e);
            sendInternalError(response, e);
        } finally {
            async.complete();
        }
    }

    private void sendInternalError(HttpServletResponse response, RuntimeException e) {
        if (!response.isCommitted()) {
            try {
                response.reset();
                responses.sendError(response, HttpError.of(e));
            } catch (IOException | RuntimeException ignored) {
                // The client gets a broken answer either way; the warning above names the cause.
            }
        }
    }

    private static Integer headerLength(HttpServletRequest request) {
        String value = request.getHeader(HEADER_LENGTH);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw ProtocolException.badRequest(HEADER_LENGTH + " must be a byte count, got '" + value + "'");
        }
    }
}
