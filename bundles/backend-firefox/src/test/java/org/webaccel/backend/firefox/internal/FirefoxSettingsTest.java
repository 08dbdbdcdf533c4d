package org.webaccel.backend.firefox.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.Test;

/** Configuration values become the command line's environment and the profile's user.js as a user means them. */
public class FirefoxSettingsTest {

    @Test
    public void theDefaultsFitThisMachine() {
        FirefoxSettings settings = FirefoxSettings.from(config(new String[0], null));

        assertEquals(Path.of("/usr/bin/firefox-esr"), settings.executable());
        assertTrue(settings.headless());
        assertTrue(settings.webgpu());
        assertEquals(Map.of("VK_ICD_FILENAMES", "/usr/lib/chromium/vk_swiftshader_icd.json",
                "LD_LIBRARY_PATH", "/usr/lib/chromium"), settings.webgpuEnvironment());
        assertEquals(Duration.ofSeconds(30), settings.launchTimeout());
        assertTrue(settings.profileTemplate());
    }

    @Test
    public void extraPreferencesAreTypedAndWinOverTheBuiltInOnes() {
        FirefoxSettings settings = FirefoxSettings.from(config(new String[] {
            "dom.max_script_run_time=20", "media.autoplay.enabled = false", "general.useragent.override=Worker/1",
            "intl.accept_languages=\"42\"", "  "}, null));

        Map<String, Object> prefs = FirefoxProfile.preferences(settings);

        assertEquals(20, prefs.get("dom.max_script_run_time"));
        assertEquals(false, prefs.get("media.autoplay.enabled"));
        assertEquals("Worker/1", prefs.get("general.useragent.override"));
        assertEquals("quoted numbers stay strings", "42", prefs.get("intl.accept_languages"));
        assertEquals(true, prefs.get("dom.webgpu.enabled"));
        assertEquals(List.of("general.useragent.override", "intl.accept_languages"),
                List.copyOf(prefs.keySet()).subList(prefs.size() - 2, prefs.size()));
    }

    @Test
    public void entriesWithoutAValueAreRefusedWithTheirPlace() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> FirefoxSettings.from(config(new String[] {"dom.webgpu.enabled"}, null)));

        assertTrue(refused.getMessage(), refused.getMessage().contains("'dom.webgpu.enabled' in prefs of org.webaccel.backend.firefox"));
    }

    @Test
    public void theProfileCarriesWebGpuOnlyWhenAskedFor() throws Exception {
        FirefoxSettings withGpu = FirefoxSettings.from(config(new String[0], null));
        FirefoxSettings withoutGpu = FirefoxSettings.from(config(new String[0], false));

        FirefoxProfile profile = FirefoxProfile.create("unit/test", withGpu);
        Path folder = profile.directory();
        try {
            String userJs = Files.readString(folder.resolve("user.js"));
            assertTrue(userJs, userJs.contains("user_pref(\"dom.webgpu.enabled\", true);"));
            assertTrue(userJs, userJs.contains("user_pref(\"gfx.webgpu.ignore-blocklist\", true);"));
            assertTrue(userJs, userJs.contains("user_pref(\"services.settings.server\", \"data:,#remote-settings-dummy/v1\");"));
            assertTrue(folder.getFileName().toString(), folder.getFileName().toString().startsWith("webaccel-firefox-unit_test-"));
        } finally {
            profile.delete();
        }
        assertFalse(Files.exists(folder));
        assertFalse(FirefoxProfile.preferences(withoutGpu).containsKey("dom.webgpu.enabled"));
    }

    private static FirefoxConfig config(String[] prefs, Boolean webgpu) {
        FirefoxConfig defaults = Defaults.class.getAnnotation(Holder.class).value();
        return new FirefoxConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return FirefoxConfig.class;
            }

            @Override
            public String executable() {
                return defaults.executable();
            }

            @Override
            public boolean headless() {
                return defaults.headless();
            }

            @Override
            public boolean webgpu() {
                return webgpu == null ? defaults.webgpu() : webgpu;
            }

            @Override
            public String[] webgpuEnvironment() {
                return defaults.webgpuEnvironment();
            }

            @Override
            public String[] prefs() {
                return prefs;
            }

            @Override
            public boolean profileTemplate() {
                return defaults.profileTemplate();
            }

            @Override
            public long launchTimeoutMillis() {
                return defaults.launchTimeoutMillis();
            }

            @Override
            public long navigationTimeoutMillis() {
                return defaults.navigationTimeoutMillis();
            }
        };
    }

    /** Carries a {@link FirefoxConfig} with every default, so that the tests read the real defaults. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @interface Holder {
        FirefoxConfig value();
    }

    @Holder(@FirefoxConfig)
    private static final class Defaults {
    }
}
