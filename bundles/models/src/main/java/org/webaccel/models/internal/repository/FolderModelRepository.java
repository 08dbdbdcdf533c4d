package org.webaccel.models.internal.repository;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.models.internal.demo.DemoModelWriter;
import org.webaccel.models.internal.descriptor.DescriptorFormat;
import org.webaccel.models.internal.descriptor.InvalidDescriptorException;

/**
 * The model repository: a folder laid out as {@code <path>/<name>/<version>/model.onnx}, each with an optional
 * {@code descriptor.json} beside it ({@link ModelFolderScanner}).
 *
 * <p>On activation it installs the built-in demo models that are absent, then scans the folder. Models
 * added later appear after {@link #refresh()} or a restart; a configuration change reactivates the
 * component and so rescans. Folders that cannot be used are logged and listed by {@link #skipped()}.
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
    private final ModelFolderScanner scanner = new ModelFolderScanner();
    private volatile Catalog catalog;

    /**
     * @param config where the folder is and whether to install the demo models
     */
    @Activate
    public FolderModelRepository(RepositoryConfig config) {
        this(resolveRoot(config.path(), System.getProperty(HOME_PROPERTY)), config.installDemoModels(),
                FolderModelRepository.class.getClassLoader());
    }

    FolderModelRepository(Path root, boolean installDemoModels, ClassLoader demoModels) {
        this.root = root;
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
        this.catalog = scan();
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
     * sees half a model; then rescans.
     */
    @Override
    public synchronized ModelDescriptor add(ModelDescriptor descriptor, byte[] onnx) throws IOException {
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
        refresh();
        return catalog.find(descriptor.name(), descriptor.version()).map(StoredModel::descriptor)
                .orElseThrow(() -> new IOException("model '" + descriptor.id() + "' was written to " + target
                        + " but the rescan skipped it: " + skipped()));
    }

    /** Scans the folder again, so models added or fixed since activation appear. */
    public synchronized void refresh() {
        catalog = scan();
    }

    /** @return the folders the last scan could not use, with the reason for each */
    public List<SkippedModel> skipped() {
        return catalog.skipped();
    }

    /** @return the repository folder */
    public Path root() {
        return root;
    }

    private Catalog scan() {
        Catalog c = scanner.scan(root);
        for (SkippedModel s : c.skipped()) {
            LOG.log(Level.WARNING, "skipped model folder {0}", s);
        }
        LOG.log(Level.INFO, "model repository {0}: {1} models {2}, {3} skipped", root, c.models().size(),
                c.models().stream().map(m -> m.descriptor().id()).toList(), c.skipped().size());
        return c;
    }
}
