package org.webaccel.endpoint.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /v2}: the server metadata. Also the catch-all of {@code /v2/*}, so that a wrong path under /v2
 * gets the protocol's JSON error rather than the container's HTML page (the longer patterns of the health and
 * model servlets win over this one).
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/v2/*")
@HttpWhiteboardServletName("webaccel-oip-server")
public final class ServerMetadataServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The protocol extensions the endpoint implements, as the server metadata lists them. */
    static final List<String> EXTENSIONS = List.of("binary_tensor_data");

    private final transient JsonResponses responses = new JsonResponses(new ObjectMapper(), 0);
    private final transient Map<String, Object> metadata;

    /** @param context this bundle's context, for the version the metadata reports */
    @Activate
    public ServerMetadataServlet(BundleContext context) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "webaccel");
        m.put("version", context.getBundle().getVersion().toString());
        m.put("extensions", EXTENSIONS);
        this.metadata = Collections.unmodifiableMap(m);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path != null && !path.equals("/")) {
            responses.noEndpoint(response, request.getMethod(), request.getRequestURI());
        } else if (!request.getMethod().equals("GET")) {
            responses.methodNotAllowed(response, request.getMethod(), request.getRequestURI(), "GET");
        } else {
            responses.send(response, 200, metadata);
        }
    }
}
