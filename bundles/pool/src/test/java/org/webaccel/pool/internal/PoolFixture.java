package org.webaccel.pool.internal;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelChange;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.tensor.DType;
import org.webaccel.testing.Await;

/** A whole pool in memory: its component built by hand, with scripted pages and one model. */
final class PoolFixture implements AutoCloseable {

    /** {@code x} float32 [batch, n] in, {@code y} of the same shape out. */
    static final ModelDescriptor MODEL = new ModelDescriptor("echo", "1", ModelType.of("text"), "echo",
            List.of(TensorSpec.of("x", DType.FLOAT32, Dim.symbolic("batch"), Dim.symbolic("n"))),
            List.of(TensorSpec.of("y", DType.FLOAT32, Dim.symbolic("batch"), Dim.symbolic("n"))),
            Map.of("batch", 1L, "n", 4L));

    final ScriptedPages pages;
    final WorkerPool pool;
    /** Who the repository tells of changes: the pool. */
    private final List<Consumer<ModelChange>> listeners = new CopyOnWriteArrayList<>();

    PoolFixture(ScriptedPages.Script script, Map<String, Object> config) {
        pages = new ScriptedPages(script);
        pool = new WorkerPool(config(config), pages, repository());
        pool.bindBackend(pages, Map.of(BrowserBackend.NAME_PROPERTY, "scripted"));
    }

    /** @return the pool's configuration: its metatype defaults, with {@code overrides} by method name */
    static PoolConfig config(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(overrides);
        return (PoolConfig) Proxy.newProxyInstance(PoolConfig.class.getClassLoader(), new Class<?>[] {PoolConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> PoolConfig.class;
                    case "toString" -> "PoolConfig" + values;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    /** Tells the pool that the repository changed, as a repository does after a scan. */
    void modelsChanged(ModelChange change) {
        listeners.forEach(l -> l.accept(change));
    }

    private ModelRepository repository() {
        return new ModelRepository() {
            @Override
            public AutoCloseable listen(Consumer<ModelChange> listener) {
                listeners.add(listener);
                return () -> listeners.remove(listener);
            }

            @Override
            public List<ModelDescriptor> list() {
                return List.of(MODEL);
            }

            @Override
            public Optional<ModelDescriptor> find(String name, String version) {
                return MODEL.name().equals(name) && (version == null || MODEL.version().equals(version))
                        ? Optional.of(MODEL) : Optional.empty();
            }

            @Override
            public Path modelFile(ModelDescriptor model) {
                return Path.of("echo.onnx");
            }
        };
    }

    /** Waits until {@code n} workers are connected. */
    void awaitWorkers(int n) throws InterruptedException {
        Await.until(n + " workers connected", () -> pool.status().workers() >= n, () -> pool.status().toString());
    }

    @Override
    public void close() {
        pool.stop();
    }
}
