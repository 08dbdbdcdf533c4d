package org.webaccel.models.internal.repository;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.webaccel.api.model.ModelChange;
import org.webaccel.api.model.ModelDescriptor;

/** What changed between two scans of the repository folder. */
final class CatalogDiff {
    private CatalogDiff() {
    }

    /**
     * @param before the models served so far
     * @param after the models served from now on
     * @return the models added, removed, and replaced (same name and version, another revision of the files)
     */
    static ModelChange between(Catalog before, Catalog after) {
        List<ModelDescriptor> added = new ArrayList<>();
        List<ModelDescriptor> replaced = new ArrayList<>();
        for (StoredModel m : after.models()) {
            Optional<StoredModel> old = before.find(m.descriptor().name(), m.descriptor().version());
            if (old.isEmpty()) {
                added.add(m.descriptor());
            } else if (!old.get().revision().equals(m.revision())) {
                replaced.add(m.descriptor());
            }
        }
        List<ModelDescriptor> removed = new ArrayList<>();
        for (StoredModel m : before.models()) {
            if (after.find(m.descriptor().name(), m.descriptor().version()).isEmpty()) {
                removed.add(m.descriptor());
            }
        }
        return new ModelChange(added, removed, replaced);
    }
}
