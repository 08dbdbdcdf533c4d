package org.webaccel.api.model;

import java.util.List;

/**
 * What changed in a model repository, as its listeners are told ({@link ModelRepository#listen}).
 *
 * @param added models served from now on
 * @param removed models no longer served: requests for them fail with
 *        {@link org.webaccel.api.ModelNotFoundException}, and sessions of them are released
 * @param replaced models whose files changed: the same name and version, a new load (sessions of the old
 *        files are released)
 */
public record ModelChange(List<ModelDescriptor> added, List<ModelDescriptor> removed, List<ModelDescriptor> replaced) {

    /** Copies the lists. */
    public ModelChange {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        replaced = List.copyOf(replaced);
    }

    /** @return whether nothing changed */
    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && replaced.isEmpty();
    }
}
