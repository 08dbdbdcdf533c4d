package org.webaccel.backend.firefox.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** A profile made from a template has the template's files, its own user.js, and none of a Firefox's locks. */
public class FirefoxProfileTest {

    private Path template;
    private FirefoxProfile profile;
    private final FirefoxSettings settings = FirefoxBackendTest.settings(Path.of("/usr/bin/firefox-esr"));

    @Before
    public void setUp() throws Exception {
        template = Files.createTempDirectory("profile-template-test-");
        Files.writeString(template.resolve("prefs.js"), "user_pref(\"x\", 1);\n");
        Files.createDirectories(template.resolve("startupCache"));
        Files.writeString(template.resolve("startupCache/startupCache.8.little"), "compiled");
        Files.writeString(template.resolve("user.js"), "user_pref(\"stale\", true);\n");
        Files.writeString(template.resolve(".parentlock"), "");
        Files.createSymbolicLink(template.resolve("lock"), Path.of("127.0.0.1:+4242"));
    }

    @After
    public void tearDown() throws Exception {
        if (profile != null) {
            profile.delete();
        }
        deleteTree(template);
    }

    @Test
    public void aCopyOfTheTemplateKeepsItsFilesAndTakesTheCurrentPreferences() throws Exception {
        profile = FirefoxProfile.create("copy", settings, Optional.of(template));
        Path folder = profile.directory();

        assertEquals("user_pref(\"x\", 1);\n", Files.readString(folder.resolve("prefs.js")));
        assertEquals("compiled", Files.readString(folder.resolve("startupCache/startupCache.8.little")));
        String userJs = Files.readString(folder.resolve("user.js"));
        assertFalse(userJs, userJs.contains("stale"));
        assertTrue(userJs, userJs.contains("user_pref(\"dom.webgpu.enabled\", true);"));
        assertFalse("a lock left by the template's Firefox would refuse the start", Files.exists(folder.resolve(".parentlock")));
        assertFalse(Files.exists(folder.resolve("lock"), LinkOption.NOFOLLOW_LINKS));
        assertTrue("the template stays", Files.exists(template.resolve("prefs.js")));
    }

    @Test
    public void aTemplateThatIsGoneGivesAnEmptyProfile() throws Exception {
        deleteTree(template);

        profile = FirefoxProfile.create("copy", settings, Optional.of(template));

        try (var files = Files.list(profile.directory())) {
            assertEquals(List.of("user.js"), files.map(f -> f.getFileName().toString()).toList());
        }
    }

    /** Removes a folder tree, links included, without following them. */
    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var all = Files.walk(folder)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
