package org.webaccel.models.internal.repository;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One scan of the repository folder, immutable, so readers never see a half-finished scan.
 *
 * @param models the usable models, by name and then by ascending version
 * @param skipped the folders that could not be used
 */
record Catalog(List<StoredModel> models, List<SkippedModel> skipped) {
    static final Comparator<StoredModel> ORDER = Comparator
            .comparing((StoredModel m) -> m.descriptor().name())
            .thenComparing(m -> m.descriptor().version(), VersionOrder.INSTANCE);

    Catalog {
        models = models.stream().sorted(ORDER).toList();
        skipped = List.copyOf(skipped);
    }

    /** @return the model of that name and version, or of the highest version when {@code version} is null */
    Optional<StoredModel> find(String name, String version) {
        StoredModel found = null;
        for (StoredModel m : models) {
            if (m.descriptor().name().equals(name)
                    && (version == null || m.descriptor().version().equals(version))) {
                // sorted ascending, so the last match is the highest version
                found = m;
            }
        }
        return Optional.ofNullable(found);
    }
}
