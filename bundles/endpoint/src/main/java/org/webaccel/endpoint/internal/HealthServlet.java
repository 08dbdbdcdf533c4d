package org.webaccel.endpoint.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.webaccel.api.ResourcePool;

/**
 * {@code GET /v2/health/live} and {@code GET /v2/health/ready}. Live answers 200 whenever the endpoint runs;
 * ready answers 200 when the pool has a connected worker, and, as the protocol asks, 400 otherwise (the pool
 * is not there, or its workers are still starting).
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
            responses.send(response, ready ? 200 : 400, Map.of("ready", ready));
        }
    }
}
