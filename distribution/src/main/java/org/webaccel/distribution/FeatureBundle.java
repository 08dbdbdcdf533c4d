package org.webaccel.distribution;

/**
 * One entry of a feature's {@code bundles} array.
 *
 * @param coordinates the Maven coordinates from the entry's {@code id}
 * @param startOrder  the entry's {@code start-order}: bundles start in ascending order, ties in feature order
 * @param feature     the file name of the feature that names the bundle, for error messages
 */
public record FeatureBundle(MavenCoordinates coordinates, int startOrder, String feature) {
}
