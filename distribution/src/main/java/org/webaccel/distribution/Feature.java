package org.webaccel.distribution;

import java.util.List;
import java.util.Map;

/**
 * One feature descriptor (OSGi Feature Service JSON): a deployable capability made of bundles and
 * configurations.
 *
 * @param file           the descriptor's file name, for error messages
 * @param id             the feature's own id, {@code groupId:artifactId:json:version}
 * @param bundles        the bundles, in the order the file lists them
 * @param configurations ConfigAdmin configurations by PID; a factory configuration's key is
 *                       {@code factoryPid~name}
 */
public record Feature(String file, String id, List<FeatureBundle> bundles,
        Map<String, Map<String, Object>> configurations) {
}
