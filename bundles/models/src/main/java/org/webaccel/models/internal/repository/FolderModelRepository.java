package org.webaccel.models.internal.repository;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;

/**
 * The model repository: a folder laid out as {@code <path>/<name>/<version>/{model.onnx, descriptor.json}}.
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
