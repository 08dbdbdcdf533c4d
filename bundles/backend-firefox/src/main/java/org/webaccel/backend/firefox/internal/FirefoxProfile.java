package org.webaccel.backend.firefox.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A fresh, throw-away Firefox profile folder whose {@code user.js} keeps the browser offline, quiet and
 * fit for long-running worker pages. It starts empty, or as a copy of a {@link ProfileTemplate}.
 *
 * <p>The preferences follow what Firefox's own automation sets before start-up (Puppeteer's and
 * geckodriver's profile defaults); the Remote Agent applies its further "recommended preferences" by itself
 * once it runs. Only settings that act at start-up, or that matter to worker pages, are repeated here.
 */
final class FirefoxProfile {

    private static final System.Logger LOG = System.getLogger(FirefoxProfile.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Start with one blank tab: no welcome, "what's new", default-browser or session-restore pages. */
    private static final Map<String, Object> STARTUP = Map.ofEntries(
            Map.entry("browser.startup.page", 0),
            Map.entry("browser.startup.homepage", "about:blank"),
            Map.entry("browser.startup.homepage_override.mstone", "ignore"),
            Map.entry("startup.homepage_welcome_url", "about:blank"),
            Map.entry("startup.homepage_welcome_url.additional", ""),
            Map.entry("browser.aboutwelcome.enabled", false),
            Map.entry("browser.newtabpage.enabled", false),
            Map.entry("browser.shell.checkDefaultBrowser", false),
            Map.entry("browser.sessionstore.resume_from_crash", false),
            Map.entry("toolkit.startup.max_resumed_crashes", -1),
            Map.entry("browser.tabs.warnOnClose", false),
            Map.entry("browser.warnOnQuit", false),
            Map.entry("extensions.autoDisableScopes", 0),
            Map.entry("extensions.enabledScopes", 5),
            Map.entry("extensions.installDistroAddons", false));

    /**
     * Nothing may phone home: the machines have no internet, and every attempt is a connection that hangs
     * or a console error. Updates, studies, remote settings, safe browsing, telemetry, prefetching.
     */
    private static final Map<String, Object> OFFLINE = Map.ofEntries(
            Map.entry("app.update.disabledForTesting", true),
            Map.entry("app.update.checkInstallTime", false),
            Map.entry("app.normandy.enabled", false),
            Map.entry("app.normandy.api_url", ""),
            Map.entry("app.shield.optoutstudies.enabled", false),
            Map.entry("nimbus.rollouts.enabled", false),
            Map.entry("services.settings.server", "data:,#remote-settings-dummy/v1"),
            Map.entry("extensions.update.enabled", false),
            Map.entry("extensions.systemAddon.update.enabled", false),
            Map.entry("extensions.getAddons.cache.enabled", false),
            Map.entry("extensions.blocklist.enabled", false),
            Map.entry("browser.search.update", false),
            Map.entry("media.gmp-manager.updateEnabled", false),
            Map.entry("browser.safebrowsing.malware.enabled", false),
            Map.entry("browser.safebrowsing.phishing.enabled", false),
            Map.entry("browser.safebrowsing.downloads.enabled", false),
            Map.entry("browser.safebrowsing.blockedURIs.enabled", false),
            Map.entry("browser.region.update.enabled", false),
            Map.entry("browser.region.network.url", ""),
            Map.entry("geo.provider.network.url", ""),
            Map.entry("network.captive-portal-service.enabled", false),
            Map.entry("network.connectivity-service.enabled", false),
            Map.entry("network.trr.mode", 5),
            Map.entry("network.dns.disablePrefetch", true),
            Map.entry("network.prefetch-next", false),
            Map.entry("network.http.speculative-parallel-limit", 0),
            Map.entry("dom.push.connection.enabled", false),
            Map.entry("identity.fxaccounts.enabled", false),
            Map.entry("security.remote_settings.intermediates.enabled", false),
            Map.entry("browser.translations.enable", false),
            Map.entry("browser.ml.enable", false),
            Map.entry("datareporting.policy.dataSubmissionEnabled", false),
            Map.entry("datareporting.policy.dataSubmissionPolicyBypassNotification", true),
            Map.entry("datareporting.healthreport.uploadEnabled", false),
            Map.entry("datareporting.usage.uploadEnabled", false),
            Map.entry("toolkit.telemetry.enabled", false),
            Map.entry("toolkit.telemetry.unified", false),
            Map.entry("toolkit.telemetry.archive.enabled", false),
            Map.entry("toolkit.telemetry.server", ""),
            Map.entry("toolkit.telemetry.shutdownPingSender.enabled", false),
            Map.entry("toolkit.telemetry.newProfilePing.enabled", false),
            Map.entry("browser.crashReports.unsubmittedCheck.enabled", false));

    /**
     * Worker pages are background tabs that compute for a long time: no slow-script dialog may stop them,
     * their timers must not be throttled to one per second, and Firefox must never unload them to save memory.
     */
    private static final Map<String, Object> WORKERS = Map.ofEntries(
            Map.entry("dom.max_script_run_time", 0),
            Map.entry("dom.max_chrome_script_run_time", 0),
            Map.entry("dom.ipc.reportProcessHangs", false),
            Map.entry("hangmonitor.timeout", 0),
            Map.entry("dom.min_background_timeout_value", 4),
            Map.entry("dom.min_background_timeout_value_without_budget_throttling", 4),
            Map.entry("dom.timeout.enable_budget_timer_throttling", false),
            Map.entry("dom.ipc.processPriorityManager.enabled", false),
            Map.entry("browser.tabs.unloadOnLowMemory", false));

    /** Both are needed: WebGPU is off by default in ESR, and the software Vulkan driver is on the blocklist. */
    private static final Map<String, Object> WEBGPU = Map.of(
            "dom.webgpu.enabled", true,
            "gfx.webgpu.ignore-blocklist", true);

    /** A running (or killed) Firefox's locks and the template's own preferences are not copied. */
    private static final Set<String> NOT_COPIED = Set.of("lock", ".parentlock", "parent.lock", "user.js");

    private final Path directory;

    private FirefoxProfile(Path directory) {
        this.directory = directory;
    }

    /**
     * Creates a profile folder in the system's temporary folder.
     *
     * @param name part of the folder's name, to tell browsers apart
     * @param settings the backend's settings
     * @return the profile
     * @throws IOException when the folder or its user.js cannot be written
     */
    static FirefoxProfile create(String name, FirefoxSettings settings) throws IOException {
        return create(name, settings, Optional.empty());
    }

    /**
     * Creates a profile folder in the system's temporary folder, as a copy of a template when there is one.
     * A template that cannot be copied (removed meanwhile, say) is not worth a failed launch: the profile then
     * starts empty.
     *
     * @param name part of the folder's name, to tell browsers apart
     * @param settings the backend's settings
     * @param template a profile Firefox has run in and quit, or empty
     * @return the profile
     * @throws IOException when the folder or its user.js cannot be written
     */
    static FirefoxProfile create(String name, FirefoxSettings settings, Optional<Path> template) throws IOException {
        Path directory = Files.createTempDirectory("webaccel-firefox-" + name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-");
        FirefoxProfile profile = new FirefoxProfile(directory);
        try {
            if (template.isPresent()) {
                profile.copyFrom(template.get());
            }
            Files.writeString(directory.resolve("user.js"), userJs(preferences(settings)), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            profile.delete();
            throw e;
        }
        return profile;
    }

    /**
     * @param settings the backend's settings
     * @return every preference a profile gets, the configured extras last so that they win
     */
    static Map<String, Object> preferences(FirefoxSettings settings) {
        Map<String, Object> prefs = new LinkedHashMap<>();
        prefs.putAll(new TreeMap<>(STARTUP));
        prefs.putAll(new TreeMap<>(OFFLINE));
        prefs.putAll(new TreeMap<>(WORKERS));
        if (settings.webgpu()) {
            prefs.putAll(new TreeMap<>(WEBGPU));
        }
        prefs.putAll(settings.extraPrefs());
        return prefs;
    }

    /** Copies the template's folders and regular files, except locks and user.js; on failure, empties the folder. */
    private void copyFrom(Path template) throws IOException {
        try {
            Files.walkFileTree(template, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attributes) throws IOException {
                    Files.createDirectories(directory.resolve(template.relativize(folder).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (attributes.isRegularFile() && !NOT_COPIED.contains(file.getFileName().toString())) {
                        Files.copy(file, directory.resolve(template.relativize(file).toString()));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot copy the profile template {0}, starting from an empty profile: {1}", template,
                    e.toString());
            delete();
            Files.createDirectories(directory);
        }
    }

    /** @return the folder to pass as {@code --profile} */
    Path directory() {
        return directory;
    }

    /** Removes the folder; call once Firefox has exited. Failures are logged: a left-over temp folder harms no one. */
    void delete() {
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path folder, IOException failure) throws IOException {
                    Files.deleteIfExists(folder);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove the profile {0}: {1}", directory, e.toString());
        }
    }

    private static String userJs(Map<String, Object> prefs) throws JsonProcessingException {
        StringBuilder text = new StringBuilder("// written by WebAccel for one browser; removed when it closes\n");
        for (Map.Entry<String, Object> pref : prefs.entrySet()) {
            // JSON literals are valid JavaScript literals, which is what user.js holds.
            text.append("user_pref(").append(JSON.writeValueAsString(pref.getKey())).append(", ")
                    .append(JSON.writeValueAsString(pref.getValue())).append(");\n");
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return directory.toString();
    }
}
