package org.webaccel.api.model;

import java.util.Collection;
import java.util.Optional;

/**
 * A model as a caller names it: {@code name} for its highest version, or {@code name:version}. The one
 * parser of that form: the pool, the shell, the endpoint and every other bundle read model names through it.
 *
 * @param name the model's name
 * @param version its version, or null for the highest one
 */
public record ModelRef(String name, String version) {

    /** Checks that the name is not blank and the version, when given, is not blank either. */
    public ModelRef {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("no model named: give a model name, or name:version");
        }
        if (version != null && version.isBlank()) {
            throw new IllegalArgumentException("model '" + name + ":' names no version: give name or name:version");
        }
    }

    /**
     * @param text {@code name} or {@code name:version}; surrounding spaces are ignored. Names and versions
     *        cannot hold a colon, so the last one separates them.
     * @return the reference
     * @throws IllegalArgumentException when the text is null or blank, or its name or version is empty
     */
    public static ModelRef parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no model named: give a model name, or name:version");
        }
        String t = text.strip();
        int colon = t.lastIndexOf(':');
        return colon < 0 ? new ModelRef(t, null) : new ModelRef(t.substring(0, colon).strip(),
                t.substring(colon + 1).strip());
    }

    /** @return whether the model has this name and, when a version is given, this version */
    public boolean matches(ModelDescriptor model) {
        return model.name().equals(name) && (version == null || model.version().equals(version));
    }

    /**
     * @param models models in the repository's order, lower versions before higher ones
     * @return the model this names among them: for a bare name, the one listed last
     */
    public Optional<ModelDescriptor> in(Collection<ModelDescriptor> models) {
        ModelDescriptor found = null;
        for (ModelDescriptor m : models) {
            if (matches(m)) {
                found = m;
            }
        }
        return Optional.ofNullable(found);
    }

    /** @return {@code name} or {@code name:version} */
    @Override
    public String toString() {
        return version == null ? name : name + ":" + version;
    }
}
