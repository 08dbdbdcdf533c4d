package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.SessionFailure;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.transport.ChannelClosedException;
import org.webaccel.api.transport.PageException;

/** The book of models that cannot be loaded on a provider. */
public class SessionFailuresTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private final SessionFailures failures = new SessionFailures(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    public void onlyAFailedSessionCreationForAReasonOfTheModelsCounts() {
        PageException load = new PageException("load", "Error", "Could not find an implementation for Foo");
        assertTrue(SessionFailures.isSessionFailure(load, FailureClass.UNSUPPORTED_OPERATOR));
        assertTrue(SessionFailures.isSessionFailure(load, FailureClass.MODEL_ERROR));
        assertFalse("memory is the page's, not the model's",
                SessionFailures.isSessionFailure(load, FailureClass.OUT_OF_MEMORY));
        assertFalse("a failed run is not a failed load", SessionFailures.isSessionFailure(
                new PageException("run", "Error", "invalid dimensions"), FailureClass.MODEL_ERROR));
        assertFalse(SessionFailures.isSessionFailure(new ChannelClosedException("gone"), FailureClass.CONNECTION_LOST));
    }

    @Test
    public void aRecordIsPerModelVersionBackendAndProviderUntilTheModelIsForgotten() {
        failures.record("m:1", "chromium", ExecutionProvider.WEBGPU, "no kernel for Foo");
        failures.record("m:1", "chromium", ExecutionProvider.WEBGPU, "a later reason");
        assertFalse(failures.loadable("m:1", "chromium", ExecutionProvider.WEBGPU));
        assertTrue(failures.loadable("m:1", "chromium", ExecutionProvider.WASM));
        assertTrue("another backend is another build", failures.loadable("m:1", "firefox", ExecutionProvider.WEBGPU));
        assertTrue("another version is another model", failures.loadable("m:2", "chromium", ExecutionProvider.WEBGPU));
        Map<ExecutionProvider, Set<String>> chromium = Map.of(ExecutionProvider.WASM, Set.of("chromium"),
                ExecutionProvider.WEBGPU, Set.of("chromium"));
        assertEquals(EnumSet.of(ExecutionProvider.WASM), failures.loadableOf("m:1", chromium));
        assertEquals("firefox still offers webgpu", EnumSet.of(ExecutionProvider.WASM, ExecutionProvider.WEBGPU),
                failures.loadableOf("m:1", Map.of(ExecutionProvider.WASM, Set.of("chromium"),
                        ExecutionProvider.WEBGPU, Set.of("chromium", "firefox"))));
        assertEquals("the first reason stays", List.of(new SessionFailure("m:1", "chromium", ExecutionProvider.WEBGPU,
                "no kernel for Foo", NOW)), failures.all());

        failures.record("m:1", "chromium", ExecutionProvider.WASM, "no kernel for Foo on wasm");
        assertEquals("model m:1 is not loadable on provider wasm: no kernel for Foo on wasm (backend chromium); model "
                + "m:1 is not loadable on provider webgpu: no kernel for Foo (backend chromium)", failures.why("m:1",
                        Set.of(ExecutionProvider.WEBGPU, ExecutionProvider.WASM)));
        assertTrue(failures.loadableOf("m:1", chromium).isEmpty());

        failures.forget("m:1");
        assertTrue(failures.loadable("m:1", "chromium", ExecutionProvider.WEBGPU));
        assertEquals(List.of(), failures.all());
    }
}
