package org.webaccel.models.internal.bundle;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import org.junit.Test;

/** The manifest bnd computed: the bundle exports nothing and imports only what the platform provides. */
public class BundleManifestTest {
    private static final List<String> ALLOWED_IMPORTS = List.of("java.", "org.webaccel.api.", "org.osgi.",
            "com.fasterxml.jackson.", "com.google.protobuf");

    @Test
    public void exportsNothingAndImportsOnlyApiJacksonProtobufOsgiAndJava() throws Exception {
        Attributes main = manifest().getMainAttributes();
        assertEquals("org.webaccel.models", main.getValue("Bundle-SymbolicName"));
        assertNull("Export-Package: " + main.getValue("Export-Package"), main.getValue("Export-Package"));
        List<String> imports = packages(main.getValue("Import-Package"));
        assertTrue(imports.toString(), imports.contains("com.google.protobuf"));
        assertTrue(imports.toString(), imports.contains("com.fasterxml.jackson.databind"));
        for (String p : imports) {
            assertTrue("unexpected import " + p, ALLOWED_IMPORTS.stream().anyMatch(p::startsWith));
        }
        assertEquals("OSGI-INF/org.webaccel.models.repository.xml", main.getValue("Service-Component"));
        assertTrue(main.getValue("Provide-Capability"),
                main.getValue("Provide-Capability").contains("org.webaccel.api.model.ModelRepository"));
    }

    private static Manifest manifest() throws Exception {
        Path file = Path.of("target/classes/META-INF/MANIFEST.MF");
        assertTrue(file.toAbsolutePath() + " is missing: bnd-process did not run", Files.isRegularFile(file));
        try (InputStream in = Files.newInputStream(file)) {
            return new Manifest(in);
        }
    }

    /** Package names of a header, skipping attributes and the commas inside their quoted values. */
    private static List<String> packages(String header) {
        List<String> names = new ArrayList<>();
        boolean quoted = false;
        StringBuilder clause = new StringBuilder();
        for (char c : (header + ",").toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                names.add(clause.toString().split(";")[0].trim());
                clause.setLength(0);
            } else {
                clause.append(c);
            }
        }
        return names;
    }
}
