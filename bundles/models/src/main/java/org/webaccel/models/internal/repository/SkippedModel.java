package org.webaccel.models.internal.repository;

import java.nio.file.Path;

/**
 * A model folder the repository could not use.
 *
 * @param folder the {@code <name>/<version>} folder
 * @param reason what is wrong with it, naming the file where one is at fault
 */
public record SkippedModel(Path folder, String reason) {

    @Override
    public String toString() {
        return folder + ": " + reason;
    }
}
