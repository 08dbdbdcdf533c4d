package org.webaccel.api.model;

import java.util.Arrays;
import java.util.Locale;

/** What kind of model a descriptor describes; placement uses it to choose a browser. */
public enum ModelType {
    TEXT_EMBEDDING("text-embedding"),
    TEXT("text"),
    VISION("vision"),
    AUDIO("audio"),
    MULTIMODAL("multimodal"),
    /** No descriptor says what the model is: placement gives it no browser preference of its type. */
    UNKNOWN("unknown");

    private final String id;

    ModelType(String id) {
        this.id = id;
    }

    /** @return the name used in descriptors, e.g. {@code text-embedding} */
    public String id() {
        return id;
    }

    /**
     * @param id a descriptor name such as {@code vision}
     * @return the type
     * @throws IllegalArgumentException naming the accepted types
     */
    public static ModelType of(String id) {
        String n = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (ModelType t : values()) {
            if (t.id.equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown model type '" + id + "'; expected one of "
                + Arrays.stream(values()).map(ModelType::id).toList());
    }

    @Override
    public String toString() {
        return id;
    }
}
