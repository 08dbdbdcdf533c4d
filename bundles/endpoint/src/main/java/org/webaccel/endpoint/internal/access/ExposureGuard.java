package org.webaccel.endpoint.internal.access;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Dictionary;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * Refuses to run a container whose HTTP server binds beyond loopback while no bearer token is configured (and the
 * configuration does not allow it explicitly): it says why in the log and stops the framework, and the launcher
 * exits with the reason ({@value #REFUSAL_PROPERTY}). It checks the HTTP server's configuration (PID
 * {@value #HTTP_PID}, else the framework property) whenever that or the access configuration changes.
 *
 * <p>Configurations arrive one by one (file install reads conf/ a file at a time), so a binding that breaks the
 * rule is refused only if it still does {@value #SETTLE_SECONDS} s later; meanwhile the {@link AccessFilter}
 * answers clients beyond loopback 403.
 */
@Component(service = ConfigurationListener.class, immediate = true, configurationPid = AccessFilter.PID)
public final class ExposureGuard implements ConfigurationListener {
    /** Where the reason of a refusal is left for the launcher. */
    public static final String REFUSAL_PROPERTY = "webaccel.refusal";
    static final String HTTP_PID = "org.apache.felix.http";
    static final String HOST = "org.apache.felix.http.host";
    private static final String REQUIRE_CONFIG = "org.apache.felix.http.require.config";
    private static final System.Logger LOG = System.getLogger(ExposureGuard.class.getName());
    static final long SETTLE_SECONDS = 3;

    private final BundleContext context;
    private final ConfigurationAdmin cm;
    private volatile AccessPolicy policy;
    private volatile boolean stopped;

    @Activate
    public ExposureGuard(BundleContext context, @Reference ConfigurationAdmin cm, AccessConfig config) {
        this.context = context;
        this.cm = cm;
        this.policy = AccessPolicy.of(config);
        check();
    }

    @Modified
    void modified(AccessConfig config) {
        policy = AccessPolicy.of(config);
        check();
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (HTTP_PID.equals(event.getPid())) {
            check();
        }
    }

    private void check() {
        Dictionary<String, Object> http = httpConfiguration();
        if (http == null && Boolean.parseBoolean(context.getProperty(REQUIRE_CONFIG))) {
            return; // the server waits for its configuration, and so does this check
        }
        if (refusal(http) != null) {
            CompletableFuture.delayedExecutor(SETTLE_SECONDS, TimeUnit.SECONDS).execute(this::confirm);
        }
    }

    /** Refuses if the binding still breaks the rule once the configurations have settled. */
    private void confirm() {
        String refusal = refusal(httpConfiguration());
        if (refusal != null && !stopped) {
            refuse(refusal);
        }
    }

    /** @return why the HTTP server's binding is not allowed, or null */
    private String refusal(Dictionary<String, Object> http) {
        Object host = http != null && http.get(HOST) != null ? http.get(HOST) : context.getProperty(HOST);
        return policy.refusal(host == null ? null : host.toString());
    }

    @Deactivate
    void deactivate() {
        stopped = true;
    }

    private Dictionary<String, Object> httpConfiguration() {
        try {
            Configuration[] found = cm.listConfigurations("(" + Constants.SERVICE_PID + "=" + HTTP_PID + ")");
            return found == null || found.length == 0 ? null : found[0].getProperties();
        } catch (IOException | InvalidSyntaxException e) {
            LOG.log(Level.WARNING, "cannot read the HTTP server's configuration: " + e);
            return null;
        }
    }

    private void refuse(String reason) {
        LOG.log(Level.ERROR, "refusing to run: " + reason);
        System.setProperty(REFUSAL_PROPERTY, reason);
        try {
            // The framework stops on a thread of its own; this returns at once.
            context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).stop();
        } catch (BundleException | IllegalStateException e) {
            LOG.log(Level.ERROR, "cannot stop the framework: " + e);
        }
    }
}
