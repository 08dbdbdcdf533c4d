package org.webaccel.pool.internal;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.PageCapabilities;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.transport.PageResult;
import org.webaccel.api.transport.WorkerBridge;
import org.webaccel.api.transport.WorkerChannel;
import org.webaccel.api.transport.WorkerEndpoint;

/**
 * Browsers, pages and the bridge in memory: a backend whose browsers open pages that connect at once, each
 * over a channel that answers runs as the test's script says. The pool cannot tell it from real browsers.
 */
final class ScriptedPages implements BrowserBackend, WorkerBridge {

    /** How a page answers one run. */
    @FunctionalInterface
    interface Script {
        CompletionStage<PageResult> run(String workerId, ModelDescriptor model, ExecutionProvider ep,
                Map<String, Tensor> inputs);
    }

    /** Every page answers at once with its inputs as outputs, renamed to the model's outputs in order. */
    static final Script ECHO = (worker, model, ep, inputs) -> {
        Map<String, Tensor> outputs = new java.util.LinkedHashMap<>();
        List<Tensor> values = List.copyOf(inputs.values());
        for (int i = 0; i < model.outputs().size(); i++) {
            Tensor in = values.get(Math.min(i, values.size() - 1));
            outputs.put(model.outputs().get(i).name(), Tensor.wrap(in.dtype(), in.shape(), in.toByteArray()));
        }
        return CompletableFuture.completedFuture(new PageResult(outputs, 0.1, 0, 0.2));
    };

    private static final PageCapabilities WASM_ONLY = new PageCapabilities("scripted", "1.30.0",
            new PageCapabilities.WebGpu(false, "scripted pages have no WebGPU", "", "", "", false, Map.of()),
            new PageCapabilities.WebNn(false, Map.of()), true, false, 1);
    /** What {@link #withWebGpu()} pages report. */
    private static final PageCapabilities WITH_WEBGPU = new PageCapabilities("scripted", "1.30.0",
            new PageCapabilities.WebGpu(true, "", "scripted", "", "", false, Map.of()),
            new PageCapabilities.WebNn(false, Map.of()), true, false, 1);

    private final Map<URI, Endpoint> endpoints;
    private final List<Channel> channels;
    private final AtomicInteger launched = new AtomicInteger();
    private final List<Browser> browsers = new CopyOnWriteArrayList<>();
    private final String name;
    private final List<String> unloaded = new CopyOnWriteArrayList<>();
    private volatile Script script;
    private volatile PageCapabilities capabilities = WASM_ONLY;
    private volatile String launchFailure;

    ScriptedPages(Script script) {
        this("scripted", script);
    }

    /** @param name the backend's name, which is also its browser family */
    ScriptedPages(String name, Script script) {
        this.name = name;
        this.script = script;
        this.endpoints = new ConcurrentHashMap<>();
        this.channels = new CopyOnWriteArrayList<>();
    }

    /**
     * A second backend whose pages connect through {@code bridge}'s endpoints, as two real backends share the
     * pool's one bridge.
     */
    ScriptedPages(String name, ScriptedPages bridge) {
        this.name = name;
        this.script = bridge.script;
        this.endpoints = bridge.endpoints;
        this.channels = bridge.channels;
    }

    void script(Script s) {
        this.script = s;
    }

    /** Its pages report a WebGPU adapter besides wasm. @return this */
    ScriptedPages withWebGpu() {
        this.capabilities = WITH_WEBGPU;
        return this;
    }

    /** @param reason from now on every launch fails with it; null: launches work again */
    void failLaunches(String reason) {
        this.launchFailure = reason;
    }

    /** @return launches tried, failed ones included */
    int launched() {
        return launched.get();
    }

    /** Every running browser dies at once, as a kill -9 would: its pages' sockets close, the pool is told. */
    void killBrowsers() {
        browsers.forEach(Browser::die);
    }

    /** One browser dies, as a kill -9 would. */
    void killBrowser(String id) {
        browsers.stream().filter(b -> b.id.equals(id)).forEach(Browser::die);
    }

    /** @return the models the pages were told to unload, in order */
    List<String> unloaded() {
        return unloaded;
    }

    /** @return every channel a page opened, oldest first */
    List<Channel> channels() {
        return channels;
    }

    @Override
    public BackendDescription describe() {
        return new BackendDescription(name, name, "1.0", true, "");
    }

    @Override
    public BrowserInstance launch(LaunchSpec spec) throws BackendException {
        launched.incrementAndGet();
        String failure = launchFailure;
        if (failure != null) {
            throw new BackendException(failure);
        }
        Browser b = new Browser(spec.id(), spec.events());
        browsers.add(b);
        return b;
    }

    @Override
    public URI baseUri() {
        return URI.create("http://scripted.invalid/");
    }

    @Override
    public WorkerEndpoint openEndpoint(String workerId) {
        Endpoint e = new Endpoint(workerId);
        endpoints.put(e.pageUrl(), e);
        return e;
    }

    @Override
    public void injectFault(String workerId, Fault fault) {
        throw new IllegalStateException("no fault injection here");
    }

    private final class Endpoint implements WorkerEndpoint {
        private final String workerId;
        private final CompletableFuture<WorkerChannel> connected = new CompletableFuture<>();

        Endpoint(String workerId) {
            this.workerId = workerId;
        }

        @Override
        public String workerId() {
            return workerId;
        }

        @Override
        public URI pageUrl() {
            return URI.create("http://scripted.invalid/worker/" + workerId);
        }

        @Override
        public CompletionStage<WorkerChannel> connected() {
            return connected;
        }

        @Override
        public void revoke() {
            endpoints.remove(pageUrl());
        }
    }

    private final class Browser implements BrowserInstance {
        private final String id;
        private final BrowserEvents events;
        private final List<Channel> pages = new CopyOnWriteArrayList<>();
        private volatile boolean alive = true;

        Browser(String id, BrowserEvents events) {
            this.id = id;
            this.events = events;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public OptionalLong pid() {
            return OptionalLong.empty();
        }

        @Override
        public String version() {
            return "1.0";
        }

        @Override
        public BrowserPage openPage(URI url) {
            Endpoint e = endpoints.remove(url);
            Channel c = new Channel(e.workerId);
            channels.add(c);
            pages.add(c);
            e.connected.complete(c);
            return new BrowserPage() {
                @Override
                public String id() {
                    return e.workerId;
                }

                @Override
                public BrowserInstance browser() {
                    return Browser.this;
                }

                @Override
                public void close() {
                    c.close("page closed");
                }
            };
        }

        @Override
        public boolean isAlive() {
            return alive;
        }

        void die() {
            if (alive) {
                alive = false;
                pages.forEach(c -> c.close("the browser died"));
                events.browserDied(this, "killed");
            }
        }

        @Override
        public void close() {
            alive = false;
        }
    }

    /** One page's socket: runs go to the script; closing fails what is still running. */
    final class Channel implements WorkerChannel {
        private final String workerId;
        private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
        private volatile String closed;

        Channel(String workerId) {
            this.workerId = workerId;
        }

        @Override
        public String workerId() {
            return workerId;
        }

        @Override
        public PageCapabilities capabilities() {
            return capabilities;
        }

        @Override
        public CompletionStage<PageResult> run(ModelDescriptor model, ExecutionProvider ep,
                Map<String, Tensor> inputs, List<String> outputs) {
            if (closed != null) {
                return CompletableFuture.failedFuture(new org.webaccel.api.transport.ChannelClosedException(closed));
            }
            return script.run(workerId, model, ep, inputs);
        }

        @Override
        public CompletionStage<PageResult> run(ModelDescriptor model, ExecutionProvider ep,
                Map<String, Tensor> inputs, List<String> outputs, Map<String, String> references,
                Map<String, String> keep) {
            return run(model, ep, inputs, outputs);
        }

        @Override
        public void unloadModel(String modelId) {
            unloaded.add(modelId);
        }

        @Override
        public boolean isOpen() {
            return closed == null;
        }

        @Override
        public void onClose(Consumer<String> listener) {
            if (closed != null) {
                listener.accept(closed);
            } else {
                listeners.add(listener);
            }
        }

        @Override
        public void close(String reason) {
            if (closed == null) {
                closed = reason;
                listeners.forEach(l -> l.accept(reason));
            }
        }
    }
}
