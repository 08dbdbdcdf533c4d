package org.webaccel.scheduler.internal;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.model.ModelType;

/**
 * The preferred browser family and execution provider per model type, parsed from entries such as
 * {@code vision=chromium/webgpu}; family {@code *} matches any family.
 */
final class AffinityTable {

    /** One entry: the family ({@code *} for any) and the provider models of a type should run on. */
    record Preference(String family, ExecutionProvider provider) {

        boolean anyFamily() {
            return "*".equals(family);
        }

        @Override
        public String toString() {
            return family + "/" + provider.id();
        }
    }

    private final Map<ModelType, Preference> entries;

    private AffinityTable(Map<ModelType, Preference> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /**
     * @param text comma-separated {@code type=family/provider} entries; blank means an empty table
     * @return the table
     * @throws IllegalArgumentException naming the malformed entry and what is wrong with it
     */
    static AffinityTable parse(String text) {
        Map<ModelType, Preference> entries = new EnumMap<>(ModelType.class);
        if (text == null || text.isBlank()) {
            return new AffinityTable(entries);
        }
        for (String raw : text.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("affinity table '" + text + "' has an empty entry");
            }
            int equals = entry.indexOf('=');
            int slash = entry.indexOf('/', equals + 1);
            if (equals <= 0 || slash < 0 || entry.indexOf('/', slash + 1) >= 0) {
                throw new IllegalArgumentException("affinity entry '" + entry
                        + "' must read 'type=family/provider', e.g. 'vision=chromium/webgpu'");
            }
            String family = entry.substring(equals + 1, slash).trim().toLowerCase(Locale.ROOT);
            if (family.isEmpty()) {
                throw new IllegalArgumentException("affinity entry '" + entry
                        + "' names no browser family; write '*' for any family");
            }
            ModelType type;
            ExecutionProvider provider;
            try {
                type = ModelType.of(entry.substring(0, equals));
                provider = ExecutionProvider.of(entry.substring(slash + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("affinity entry '" + entry + "': " + e.getMessage(), e);
            }
            if (provider == ExecutionProvider.AUTO) {
                throw new IllegalArgumentException("affinity entry '" + entry
                        + "': the provider must be wasm, webgpu or webnn, not auto");
            }
            if (entries.putIfAbsent(type, new Preference(family, provider)) != null) {
                throw new IllegalArgumentException("affinity entry '" + entry + "': model type '" + type.id()
                        + "' is already given as '" + entries.get(type) + "'");
            }
        }
        return new AffinityTable(entries);
    }

    /** @return the preference for a model type, or empty when the table has none */
    Optional<Preference> preference(ModelType type) {
        return Optional.ofNullable(entries.get(type));
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        entries.forEach((type, p) -> out.append(out.length() == 0 ? "" : ",").append(type.id()).append('=')
                .append(p));
        return out.toString();
    }
}
