package org.webaccel.dashboard.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.metrics.MetricsStore;

/**
 * {@code /dashboard/}: the page, its script and style sheet from this bundle, and {@code /dashboard/api/state},
 * the JSON the page polls. Only those files are served; any other path is 404.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/dashboard/*")
@HttpWhiteboardServletName("webaccel-dashboard")
public final class DashboardServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private record Asset(String contentType, byte[] bytes) {
    }

    private final transient ObjectMapper json = new ObjectMapper();
    private final transient DashboardState state = new DashboardState(json, Clock.systemUTC());
    private final transient Map<String, Asset> assets;

    // Optional and dynamic: the page shows what is installed, and keeps working while a service restarts.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ResourcePool pool;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HealthMonitor health;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MetricsStore store;

    /** Reads the page's files from the bundle once. */
    public DashboardServlet() {
        this.assets = Map.of(
                "/", load("index.html", "text/html; charset=utf-8"),
                "/dashboard.js", load("dashboard.js", "text/javascript; charset=utf-8"),
                "/dashboard.css", load("dashboard.css", "text/css; charset=utf-8"));
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = DashboardServlet.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the bundle lacks dashboard/" + name);
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null) {
            // /dashboard without the slash: the page's relative URLs need it
            response.sendRedirect(request.getContextPath() + request.getServletPath() + "/");
            return;
        }
        if (!"GET".equals(request.getMethod())) {
            response.setHeader("Allow", "GET");
            sendError(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    request.getMethod() + " is not allowed on the dashboard; use GET");
            return;
        }
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Cache-Control", "no-store");
        if ("/api/state".equals(path)) {
            StateQuery q;
            try {
                q = StateQuery.parse(request.getParameter("minutes"));
            } catch (IllegalArgumentException e) {
                sendError(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
                return;
            }
            byte[] body = json.writeValueAsBytes(state.build(q, pool, health, store));
            send(response, "application/json", body);
            return;
        }
        Asset a = assets.get(path);
        if (a == null) {
            sendError(response, HttpServletResponse.SC_NOT_FOUND, "no such dashboard file: " + path
                    + "; the page is /dashboard/");
            return;
        }
        // everything the page needs comes from here; no inline script, no other origin
        response.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:");
        send(response, a.contentType(), a.bytes());
    }

    private static void send(HttpServletResponse response, String contentType, byte[] body) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(contentType);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private void sendError(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getOutputStream().write(json.writeValueAsBytes(Map.of("error", message)));
    }
}
