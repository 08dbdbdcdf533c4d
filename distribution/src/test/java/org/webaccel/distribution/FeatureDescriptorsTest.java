package org.webaccel.distribution;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

/** The project's own feature descriptors: readable, and shaped as the Feature format asks. */
public class FeatureDescriptorsTest {

    private static final Path FEATURES = Path.of(System.getProperty("webaccel.features", "../features"));

    @Test
    public void everyDescriptorHasAFeatureIdAndBundles() throws Exception {
        List<Feature> features = new FeatureReader().readAll(FEATURES);
        assertTrue(features.stream().anyMatch(f -> f.file().equals("core.json")));
        for (Feature feature : features) {
            assertTrue(feature.file() + ": id " + feature.id(), feature.id().matches("org\\.webaccel:webaccel-feature-[\\w-]+:json:[^:]+"));
            assertFalse(feature.file() + " has no bundles", feature.bundles().isEmpty());
        }
    }

    @Test
    public void theFrameworkServicesStartBeforeTheWebAccelBundles() throws Exception {
        Feature core = new FeatureReader().read(FEATURES.resolve("core.json"));
        int scr = startOrder(core, "org.apache.felix.scr");
        int configAdmin = startOrder(core, "org.apache.felix.configadmin");
        int fileinstall = startOrder(core, "org.apache.felix.fileinstall");
        assertTrue("configurations are loaded before components activate", configAdmin < fileinstall && fileinstall < scr);
        List<FeatureBundle> webaccel = core.bundles().stream()
                .filter(b -> b.coordinates().groupId().equals("org.webaccel")).toList();
        assertFalse("core.json holds no WebAccel bundle", webaccel.isEmpty());
        for (FeatureBundle bundle : webaccel) {
            assertTrue(bundle.coordinates() + " starts before SCR", bundle.startOrder() > scr);
        }
    }

    private static int startOrder(Feature feature, String artifactId) {
        return feature.bundles().stream().filter(b -> b.coordinates().artifactId().equals(artifactId))
                .findFirst().orElseThrow(() -> new AssertionError(artifactId + " missing from " + feature.file()))
                .startOrder();
    }
}
