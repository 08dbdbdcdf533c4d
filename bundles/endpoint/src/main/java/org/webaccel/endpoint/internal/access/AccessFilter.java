package org.webaccel.endpoint.internal.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardFilterName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardFilterPattern;

/**
 * Checks every request to /v2, /metrics and /dashboard against the {@link AccessPolicy}: 401 with a
 * {@code WWW-Authenticate: Bearer} challenge, or 403, with a JSON error that says what is needed.
 */
@Component(service = Filter.class, configurationPid = AccessFilter.PID)
@Designate(ocd = AccessConfig.class)
@HttpWhiteboardFilterPattern({"/v2", "/v2/*", "/metrics", "/metrics/*", "/dashboard", "/dashboard/*"})
@HttpWhiteboardFilterName("webaccel-access")
public final class AccessFilter implements Filter {
    /** The configuration PID. */
    public static final String PID = "org.webaccel.endpoint.access";

    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile AccessPolicy policy;

    @Activate
    @Modified
    void configure(AccessConfig config) {
        policy = AccessPolicy.of(config);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        AccessPolicy.Decision d = policy.check(http.getHeader("Authorization"), isLoopback(http.getLocalAddr()));
        if (d.allowed()) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletResponse out = (HttpServletResponse) response;
        out.setStatus(d.status());
        if (d.status() == 401) {
            out.setHeader("WWW-Authenticate", "Bearer realm=\"webaccel\"");
        }
        out.setContentType("application/json");
        JSON.writeValue(out.getOutputStream(), Map.of("error", d.reason()));
    }

    private static boolean isLoopback(String address) {
        try {
            // A literal address: no name lookup.
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
