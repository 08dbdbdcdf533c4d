package org.webaccel.api.model;

/**
 * One model of a repository's index: served, or not and why (its folder cannot be used, or it was unloaded).
 *
 * @param name the model name
 * @param version its version, or {@code ""} when the folder names none that could be read
 * @param ready whether requests for it are served
 * @param reason why not, or {@code ""} when ready
 */
public record ModelState(String name, String version, boolean ready, String reason) {
}
