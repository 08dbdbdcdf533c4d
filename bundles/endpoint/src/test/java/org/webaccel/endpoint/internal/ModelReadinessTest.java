package org.webaccel.endpoint.internal;

import static org.junit.Assert.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.PageCapabilities;
import org.webaccel.api.SessionFailure;
import org.webaccel.api.WorkerInfo;

/** The model-ready answer: not ready without a page, or when no provider the pages offer can load the model. */
public class ModelReadinessTest {
    private static final Instant T = Instant.parse("2026-12-03T12:00:00Z");

    private static WorkerInfo page(boolean webgpu) {
        PageCapabilities caps = new PageCapabilities("ua", "1.30.0", new PageCapabilities.WebGpu(webgpu, webgpu ? ""
                : "no adapter", "", "", "", false, Map.of()), new PageCapabilities.WebNn(false, Map.of()), true, false, 2);
        return new WorkerInfo("w", "chromium", "b", "idle", caps, List.of(), 0, 1);
    }

    private static SessionFailure failed(String model, ExecutionProvider ep) {
        return new SessionFailure(model, "chromium", ep, "no kernel for Foo", T);
    }

    /** A failure in one backend leaves another backend's pages of the same provider able to load the model. */
    @Test
    public void anotherBackendOfTheSameProviderKeepsTheModelReady() {
        WorkerInfo firefox = new WorkerInfo("f", "firefox", "b", "idle", page(false).capabilities(), List.of(), 0, 1);
        assertEquals(new ModelReadiness(true, ""), ModelReadiness.of("m:1", List.of(page(false), firefox),
                List.of(failed("m:1", ExecutionProvider.WASM))));
    }

    @Test
    public void readyWhileAProviderThePagesOfferCanLoadTheModel() {
        assertEquals(new ModelReadiness(false, "no page is connected"), ModelReadiness.of("m:1", List.of(), List.of()));
        assertEquals(new ModelReadiness(true, ""), ModelReadiness.of("m:1", List.of(page(false)), List.of()));
        assertEquals("another model's failure is not this one's", new ModelReadiness(true, ""),
                ModelReadiness.of("m:1", List.of(page(false)), List.of(failed("m:2", ExecutionProvider.WASM))));
        assertEquals("webgpu is left", new ModelReadiness(true, ""), ModelReadiness.of("m:1", List.of(page(true)),
                List.of(failed("m:1", ExecutionProvider.WASM))));
        assertEquals(new ModelReadiness(false, "model m:1 is not loadable on provider wasm: no kernel for Foo "
                + "(backend chromium)"),
                ModelReadiness.of("m:1", List.of(page(false)), List.of(failed("m:1", ExecutionProvider.WASM),
                        failed("m:1", ExecutionProvider.WEBNN))));
        assertEquals(new ModelReadiness(false, "model m:1 is not loadable on provider wasm: no kernel for Foo (backend "
                + "chromium); model m:1 is not loadable on provider webgpu: no kernel for Foo (backend chromium)"),
                ModelReadiness.of("m:1",
                        List.of(page(false), page(true)), List.of(failed("m:1", ExecutionProvider.WASM),
                                failed("m:1", ExecutionProvider.WEBGPU))));
    }
}
