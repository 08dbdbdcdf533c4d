package org.webaccel.pool.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.PageCapabilities;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.transport.PageResult;
import org.webaccel.api.transport.WorkerChannel;
import org.webaccel.testing.BrowserEventLog;

/** Workers for the unit tests of placement and the worker state machine: connected, never run. */
final class Workers {
    private Workers() {
    }

    static PageCapabilities capabilities(boolean webgpu) {
        return new PageCapabilities("test", "1.30.0",
                new PageCapabilities.WebGpu(webgpu, webgpu ? "" : "no adapter", "", "", "", false, Map.of()),
                new PageCapabilities.WebNn(false, Map.of()), true, false, 1);
    }

    /** @return a ready worker of the backend, in a browser of its own, with WebGPU or without */
    static Worker ready(String id, String backend, boolean webgpu, int depth) {
        Worker w = new Worker(id, new BrowserHost(id + "-browser", backend, backend, browser(id)), depth);
        w.host.workers.add(w);
        w.channel = channel(id, capabilities(webgpu));
        w.ready(0);
        return w;
    }

    static BrowserInstance browser(String id) {
        try {
            return new ScriptedPages(ScriptedPages.ECHO).launch(new LaunchSpec(id, new BrowserEventLog()));
        } catch (org.webaccel.api.spi.BackendException e) {
            throw new AssertionError("scripted launches fail only when told to", e);
        }
    }

    static WorkerChannel channel(String id, PageCapabilities caps) {
        return channel(id, caps, ids -> CompletableFuture.failedFuture(new UnsupportedOperationException(
                "worker " + id + " cannot share tensors")));
    }

    /** @return a channel whose runs never answer and whose reads of kept tensors answer as {@code fetch} does */
    static WorkerChannel channel(String id, PageCapabilities caps,
            Function<Collection<String>, CompletionStage<Map<String, Tensor>>> fetch) {
        return new WorkerChannel() {
            @Override
            public String workerId() {
                return id;
            }

            @Override
            public PageCapabilities capabilities() {
                return caps;
            }

            @Override
            public CompletionStage<PageResult> run(ModelDescriptor model, ExecutionProvider ep,
                    Map<String, Tensor> inputs, List<String> outputs) {
                return new CompletableFuture<>();
            }

            @Override
            public CompletionStage<Map<String, Tensor>> fetchTensors(Collection<String> ids) {
                return fetch.apply(ids);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void onClose(Consumer<String> listener) {
            }

            @Override
            public void close(String reason) {
            }
        };
    }
}
