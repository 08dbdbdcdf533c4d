package org.webaccel.models.internal.repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.webaccel.api.model.ModelChange;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.model.ModelState;
import org.webaccel.models.internal.demo.DemoModelWriter;
import org.webaccel.models.internal.descriptor.DescriptorFormat;
import org.webaccel.models.internal.descriptor.InvalidDescriptorException;
import org.webaccel.models.internal.graph.PageSizeLimit;

/**
 * The model repository: a folder laid out as {@code <path>/<name>/<version>/model.onnx}, each with an optional
 * {@code descriptor.json} beside it ({@link ModelFolderScanner}).
 *
 * <p>On activation it installs the built-in demo models that are absent, then scans the folder, and again every
 * {@code scanIntervalSeconds}: a model folder added is served, a removed one is no longer, a changed one is a
 * new load, and listeners are told ({@link #listen}). {@link #load} and {@link #unload} act on one model now.
 * All scans run on one thread of the repository's own, never under a lock; folders that cannot be used are
 * logged and listed by {@link #skipped()} and {@link #index()}.
 */
@Component(name = FolderModelRepository.PID, service = ModelRepository.class)
@Designate(ocd = RepositoryConfig.class)
public final class FolderModelRepository implements ModelRepository {
    /** The component name and configuration PID. */
    public static final String PID = "org.webaccel.models.repository";
    /** The system property a relative {@code path} is resolved against. */
    public static final String HOME_PROPERTY = "webaccel.home";

    private static final System.Logger LOG = System.getLogger(FolderModelRepository.class.getName());

    private final Path root;
    /** Used on the scan thread only. */
    private final ModelFolderScanner scanner;
    private final ScheduledExecutorService scans = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "webaccel-model-scans");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> unloaded = ConcurrentHashMap.newKeySet();
    private final List<Consumer<ModelChange>> listeners = new CopyOnWriteArrayList<>();
    /** The models served: the last scan without the unloaded names. */
    private volatile Catalog catalog;
    /** The folder as last scanned. */
    private volatile Catalog scanned;

    /**
     * @param config where the folder is, whether to install the demo models, how often to scan
     */
    @Activate
    public FolderModelRepository(RepositoryConfig config) {
        this(resolveRoot(config.path(), System.getProperty(HOME_PROPERTY)), config.installDemoModels(),
                FolderModelRepository.class.getClassLoader(), new PageSizeLimit(config.maxModelBytes(),
                        "maxModelBytes of " + PID));
        int every = config.scanIntervalSeconds();
        if (every > 0) {
            scans.scheduleWithFixedDelay(this::rescan, every, every, TimeUnit.SECONDS);
        }
    }

    /** Stops scanning. */
    @Deactivate
    public void deactivate() {
        scans.shutdownNow();
    }

    FolderModelRepository(Path root, boolean installDemoModels, ClassLoader demoModels) {
        this(root, installDemoModels, demoModels, new PageSizeLimit(PageSizeLimit.DEFAULT, "the default"));
    }

    FolderModelRepository(Path root, boolean installDemoModels, ClassLoader demoModels, PageSizeLimit limit) {
        this.root = root;
        this.scanner = new ModelFolderScanner(limit);
        if (installDemoModels) {
            try {
                List<String> installed = new DemoModelInstaller(demoModels).install(root);
                if (!installed.isEmpty()) {
                    LOG.log(Level.INFO, "installed demo models {0} into {1}", installed, root);
                }
            } catch (IOException e) {
                // the repository still serves whatever the folder holds
                LOG.log(Level.ERROR, "cannot install the demo models into " + root + ": " + e, e);
            }
        }
        this.catalog = new Catalog(List.of(), List.of());
        this.scanned = catalog;
        rescan();
    }

    /**
     * @param path the configured path
     * @param home the value of {@value #HOME_PROPERTY}, or null
     * @return {@code path} when absolute, else resolved against {@code home} when set, else against the
     *         working directory
     */
    public static Path resolveRoot(String path, String home) {
        Path p = Path.of(path == null || path.isBlank() ? "models" : path.trim());
        if (p.isAbsolute()) {
            return p.normalize();
        }
        Path base = home == null || home.isBlank() ? Path.of("") : Path.of(home.trim());
        return base.toAbsolutePath().resolve(p).normalize();
    }

    @Override
    public List<ModelDescriptor> list() {
        return catalog.models().stream().map(StoredModel::descriptor).toList();
    }

    @Override
    public Optional<ModelDescriptor> find(String name, String version) {
        Objects.requireNonNull(name, "name");
        return catalog.find(name, version).map(StoredModel::descriptor);
    }

    /**
     * @throws IllegalArgumentException when the model is not in this repository
     */
    @Override
    public Path modelFile(ModelDescriptor model) {
        return catalog.find(model.name(), model.version()).map(StoredModel::modelFile)
                .orElseThrow(() -> new IllegalArgumentException(
                        "model '" + model.id() + "' is not in the model repository " + root));
    }

    /**
     * Writes the model into a hidden folder beside its place and renames that into place, so a scan never
     * sees half a model; then rescans. Runs on the scan thread, one add or scan at a time, under no lock.
     */
    @Override
    public ModelDescriptor add(ModelDescriptor descriptor, byte[] onnx) throws IOException {
        try {
            return onScanThread(() -> {
                try {
                    return addNow(descriptor, onnx);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private ModelDescriptor addNow(ModelDescriptor descriptor, byte[] onnx) throws IOException {
        DescriptorFormat format = new DescriptorFormat();
        byte[] json = format.write(descriptor);
        try {
            // the same checks a descriptor file gets when it is read
            format.parse(descriptor.id(), json);
        } catch (InvalidDescriptorException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (onnx == null || onnx.length == 0) {
            throw new IllegalArgumentException("model '" + descriptor.id() + "': the ONNX file is empty");
        }
        if (catalog.find(descriptor.name(), descriptor.version()).isPresent()) {
            throw new IllegalArgumentException("model '" + descriptor.id() + "' already exists in " + root);
        }
        Path target = root.resolve(descriptor.name()).resolve(descriptor.version());
        if (Files.exists(target)) {
            throw new IllegalArgumentException("model folder " + target + " already exists (the last scan skipped it: "
                    + "see the log); remove it or choose another name");
        }
        Files.createDirectories(target.getParent());
        Path staging = Files.createTempDirectory(target.getParent(), ".adding-" + descriptor.version() + "-");
        try {
            Files.write(staging.resolve(DemoModelWriter.MODEL_FILE), onnx);
            Files.write(staging.resolve(DemoModelWriter.DESCRIPTOR_FILE), json);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException("model folder " + target + " already exists", e);
        } finally {
            if (Files.exists(staging)) {
                try (var walk = Files.walk(staging)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        rescan();
        return catalog.find(descriptor.name(), descriptor.version()).map(StoredModel::descriptor)
                .orElseThrow(() -> new IOException("model '" + descriptor.id() + "' was written to " + target
                        + " but the rescan skipped it: " + skipped()));
    }

    /** Scans the folder again now, so models added, fixed, changed or removed since the last scan are seen. */
    public void refresh() {
        onScanThread(this::rescan);
    }

    @Override
    public ModelChange load(String name) {
        return onScanThread(() -> loadNow(name));
    }

    /** On the scan thread: serves the model's folder again, or says why it cannot. */
    private ModelChange loadNow(String name) {
        unloaded.remove(name);
        ModelChange change = rescan();
        if (catalog.find(name, null).isEmpty()) {
            List<String> why = scanned.skipped().stream().filter(s -> nameOf(s).equals(name))
                    .map(SkippedModel::toString).toList();
            throw new IllegalArgumentException("model '" + name + "' cannot be loaded: " + (why.isEmpty()
                    ? "the repository " + root + " has no folder " + name + "/<version>/model.onnx"
                    : String.join("; ", why)));
        }
        return change;
    }

    @Override
    public ModelChange reload(String name) {
        return onScanThread(() -> {
            List<ModelDescriptor> served = catalog.models().stream().map(StoredModel::descriptor)
                    .filter(d -> d.name().equals(name)).toList();
            ModelChange change = loadNow(name);
            List<ModelDescriptor> again = new ArrayList<>(change.replaced());
            served.stream().filter(d -> !change.removed().contains(d) && !again.contains(d)).forEach(again::add);
            ModelChange reloaded = new ModelChange(change.added(), change.removed(), again);
            if (!again.equals(change.replaced())) {
                tell(new ModelChange(List.of(), List.of(), again.stream()
                        .filter(d -> !change.replaced().contains(d)).toList()));
            }
            return reloaded;
        });
    }

    @Override
    public ModelChange unload(String name) {
        return onScanThread(() -> {
            if (catalog.find(name, null).isEmpty()) {
                throw new IllegalArgumentException("model '" + name + "' is not served; served models: "
                        + list().stream().map(ModelDescriptor::name).distinct().toList());
            }
            unloaded.add(name);
            return rescan();
        });
    }

    @Override
    public List<ModelState> index() {
        Catalog c = scanned;
        List<ModelState> states = new ArrayList<>();
        for (StoredModel m : c.models()) {
            ModelDescriptor d = m.descriptor();
            boolean off = unloaded.contains(d.name());
            states.add(new ModelState(d.name(), d.version(), !off, off ? "unloaded" : ""));
        }
        for (SkippedModel s : c.skipped()) {
            Path folder = s.folder();
            boolean versioned = folder.getParent() != null && !folder.getParent().equals(root);
            states.add(new ModelState(nameOf(s), versioned ? folder.getFileName().toString() : "", false,
                    s.reason()));
        }
        states.sort(Comparator.comparing(ModelState::name).thenComparing(ModelState::version, VersionOrder.INSTANCE));
        return states;
    }

    @Override
    public AutoCloseable listen(Consumer<ModelChange> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** @return the folders the last scan could not use, with the reason for each */
    public List<SkippedModel> skipped() {
        return scanned.skipped();
    }

    /** @return the repository folder */
    public Path root() {
        return root;
    }

    private String nameOf(SkippedModel s) {
        Path relative = root.relativize(s.folder());
        return relative.getNameCount() == 0 ? "" : relative.getName(0).toString();
    }

    /** Runs a scan, or a change that ends in one, on the scan thread and waits for it. */
    private <T> T onScanThread(Callable<T> task) {
        try {
            return scans.submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("model scan failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the model folder was scanned", e);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the model repository has stopped", e);
        }
    }

    /** On the scan thread (or in the constructor, before it runs): scans, serves what changed, tells listeners. */
    private ModelChange rescan() {
        Catalog all = scanner.scan(root);
        Catalog served = new Catalog(all.models().stream().filter(m -> !unloaded.contains(m.descriptor().name()))
                .toList(), all.skipped());
        ModelChange change = CatalogDiff.between(catalog, served);
        if (!all.skipped().equals(scanned.skipped())) {
            all.skipped().stream().filter(s -> !scanned.skipped().contains(s))
                    .forEach(s -> LOG.log(Level.WARNING, "skipped model folder {0}", s));
        }
        scanned = all;
        catalog = served;
        if (!change.isEmpty()) {
            LOG.log(Level.INFO, "model repository {0}: {1} models {2}; added {3}, removed {4}, changed {5}", root,
                    served.models().size(), ids(served.models().stream().map(StoredModel::descriptor).toList()),
                    ids(change.added()), ids(change.removed()), ids(change.replaced()));
            tell(change);
        }
        return change;
    }

    private void tell(ModelChange change) {
        for (Consumer<ModelChange> l : listeners) {
            try {
                l.accept(change);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "a model repository listener failed", e);
            }
        }
    }

    private static List<String> ids(List<ModelDescriptor> models) {
        return models.stream().map(ModelDescriptor::id).toList();
    }
}
