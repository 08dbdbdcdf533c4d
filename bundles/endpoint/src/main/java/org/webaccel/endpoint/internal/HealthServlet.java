package org.webaccel.endpoint.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.ResourcePool;

/**
 * {@code GET /v2/health/live} and {@code GET /v2/health/ready}. Live answers 200 whenever the endpoint runs;
 * ready answers 200 while some backend serves (the pool has a connected worker), and, as the protocol asks, 400
 * otherwise (the pool is not there, its workers are still starting, or every backend is out of service). Its
 * body lists each backend's state, with the reason when one cannot serve.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/v2/health/*")
@HttpWhiteboardServletName("webaccel-oip-health")
public final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient JsonResponses responses = new JsonResponses(new ObjectMapper(), 0);

    // Optional and dynamic: liveness must not depend on the pool, which may restart on reconfiguration.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ResourcePool pool;

    /** A backend's state and, when it cannot serve, why: what an operator needs to see beside "not ready". */
    private static Map<String, Object> backend(BackendStatus b) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", b.description().name());
        o.put("state", b.state());
        o.put("workers", b.workers());
        if (b.unavailableReason() != null) {
            o.put("reason", b.unavailableReason());
        } else if (b.failedLaunches() > 0) {
            o.put("reason", b.failedLaunches() + " launches failed in a row; last error: " + b.lastError());
        }
        return o;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI();
        String which = request.getPathInfo();
        boolean known = "/live".equals(which) || "/ready".equals(which);
        if (!known) {
            responses.noEndpoint(response, request.getMethod(), path);
        } else if (!request.getMethod().equals("GET")) {
            responses.methodNotAllowed(response, request.getMethod(), path, "GET");
        } else if (which.equals("/live")) {
            responses.send(response, 200, Map.of("live", true));
        } else {
            ResourcePool p = pool;
            boolean ready = p != null && p.status().workers() > 0;
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ready", ready);
            body.put("backends", p == null ? List.of() : p.backends().stream().map(HealthServlet::backend).toList());
            responses.send(response, ready ? 200 : 400, body);
        }
    }
}
