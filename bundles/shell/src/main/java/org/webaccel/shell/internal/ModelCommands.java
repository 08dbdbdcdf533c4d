package org.webaccel.shell.internal;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.SessionFailure;
import org.webaccel.api.model.ModelChange;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.model.ModelState;
import org.webaccel.gogo.GogoCommand;

/**
 * {@code pool:models}: the models the pool serves (with the providers a page could not create a model's session
 * on), those it does not and why, and loading and unloading.
 */
@Component(service = Object.class)
@GogoCommand(scope = "pool", function = {"models"})
public final class ModelCommands {
    private final ModelRepository repository;

    /** The pool, when it runs: it knows which providers each model cannot be loaded on. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ResourcePool pool;

    /** @param repository the model repository */
    @Activate
    public ModelCommands(@Reference ModelRepository repository) {
        this.repository = repository;
    }

    /** @return one block per model served, then the folders not served with the reason */
    @Descriptor("list the models the pool can run, and those it cannot with the reason")
    public String models() {
        StringBuilder out = new StringBuilder();
        ResourcePool p = pool;
        List<SessionFailure> failures = p == null ? List.of() : p.sessionFailures();
        for (ModelDescriptor m : repository.list()) {
            out.append(String.format(Locale.ROOT, "%-20s %-15s %s%n", m.id(), m.type(), m.description()));
            m.inputs().forEach(i -> out.append("    in   ").append(i).append('\n'));
            m.outputs().forEach(o -> out.append("    out  ").append(o).append('\n'));
            failures.stream().filter(f -> f.model().equals(m.id())).forEach(f -> out.append("    not loadable on ")
                    .append(f.provider()).append(" in ").append(f.backend()).append(": ").append(f.reason())
                    .append('\n'));
        }
        if (out.length() == 0) {
            out.append("no models\n");
        }
        List<ModelState> off = repository.index().stream().filter(s -> !s.ready()).toList();
        for (ModelState s : off) {
            out.append(String.format(Locale.ROOT, "not served: %s%s: %s%n", s.name(),
                    s.version().isEmpty() ? "" : ":" + s.version(), s.reason()));
        }
        return out.toString();
    }

    /**
     * Loads, unloads or reloads every version of a model.
     *
     * @param action {@code load}, {@code unload} or {@code reload}
     * @param name the model name
     * @return what changed
     * @throws IllegalArgumentException for an unknown action, or from the repository with its reason
     */
    @Descriptor("pool:models load|unload|reload NAME: serve a model's folder now (validated, with each "
            + "version's error), stop serving it (running requests end, queued ones fail), or load it anew while "
            + "it serves")
    public String models(@Descriptor("load, unload or reload") String action,
            @Descriptor("the model name") String name) {
        ModelChange change = switch (action) {
            case "load" -> repository.load(name);
            case "unload" -> repository.unload(name);
            case "reload" -> repository.reload(name);
            default -> throw new IllegalArgumentException("unknown action '" + action + "'; use load, unload or "
                    + "reload");
        };
        if (change.isEmpty()) {
            return name + ": no change (served as it is)\n";
        }
        return describe("loaded", change.added()) + describe("unloaded", change.removed())
                + describe("reloaded", change.replaced());
    }

    private static String describe(String what, List<ModelDescriptor> models) {
        return models.isEmpty() ? "" : what + " " + models.stream().map(ModelDescriptor::id)
                .collect(Collectors.joining(", ")) + "\n";
    }
}
