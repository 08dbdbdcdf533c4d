package org.webaccel.api.scheduling;

import java.util.Objects;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.model.ModelDescriptor;

/**
 * What is to be placed.
 *
 * @param model the model to run
 * @param requested the execution provider the caller asked for, or {@link ExecutionProvider#AUTO} when the
 *        pool may choose
 */
public record PlacementRequest(ModelDescriptor model, ExecutionProvider requested) {

    /** Checks the fields. */
    public PlacementRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(requested, "requested");
    }
}
