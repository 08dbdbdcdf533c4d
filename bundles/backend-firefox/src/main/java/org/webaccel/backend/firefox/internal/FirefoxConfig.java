package org.webaccel.backend.firefox.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the Firefox backend (PID {@value FirefoxBackend#PID}). The defaults fit a Debian machine
 * with the {@code firefox-esr} and {@code chromium} packages (the latter only for its SwiftShader Vulkan
 * driver, which gives Firefox a WebGPU adapter without a GPU), so the backend also runs unconfigured.
 */
@ObjectClassDefinition(
        name = "WebAccel Firefox backend",
        description = "Launches Firefox ESR and drives it over WebDriver BiDi; no geckodriver is needed.")
public @interface FirefoxConfig {

    /** @return the Firefox executable */
    @AttributeDefinition(name = "Firefox executable", description = "Path of the Firefox (ESR) binary.")
    String executable() default "/usr/bin/firefox-esr";

    /** @return whether to run without a window */
    @AttributeDefinition(name = "Headless", description = "Run without a window (a display is needed otherwise).")
    boolean headless() default true;

    /** @return whether to enable WebGPU */
    @AttributeDefinition(name = "WebGPU",
            description = "Set dom.webgpu.enabled and gfx.webgpu.ignore-blocklist and pass the WebGPU environment "
                    + "below; Firefox ESR offers no WebGPU adapter otherwise.")
    boolean webgpu() default true;

    /** @return environment variables for WebGPU, as NAME=value */
    @AttributeDefinition(name = "WebGPU environment",
            description = "NAME=value pairs set when WebGPU is on. The defaults point Vulkan at the SwiftShader "
                    + "driver of Debian's chromium package; without both Firefox silently has no adapter.")
    String[] webgpuEnvironment() default {
        "VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json",
        "LD_LIBRARY_PATH=/usr/lib/chromium"
    };

    /** @return extra preferences, as name=value */
    @AttributeDefinition(name = "Extra preferences",
            description = "name=value pairs written to the profile's user.js after the built-in ones (which they "
                    + "override); true/false and integers are typed as such, anything else is a string.")
    String[] prefs() default {};

    /** @return whether browsers start from a copy of a profile that Firefox has run in once */
    @AttributeDefinition(name = "Profile template",
            description = "Once per backend, after its first launch, one Firefox starts in a new profile and quits; "
                    + "later browsers start from a copy of that profile, its first-run work done, instead of an "
                    + "empty folder, which shortens each launch. Off: every browser starts from an empty profile.")
    boolean profileTemplate() default true;

    /** @return how long a launch may take */
    @AttributeDefinition(name = "Launch timeout (ms)",
            description = "How long Firefox may take to start and accept a WebDriver BiDi session.")
    long launchTimeoutMillis() default 30_000;

    /** @return how long a page may take until its navigation commits */
    @AttributeDefinition(name = "Navigation timeout (ms)",
            description = "How long opening a page may take until the server has answered its URL.")
    long navigationTimeoutMillis() default 30_000;
}
