package org.webaccel.endpoint.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.model.ModelState;

/**
 * The Open Inference Protocol's model repository extension, as Triton answers it: {@code POST
 * /v2/repository/index} lists every model with its state ({@code READY} or {@code UNAVAILABLE} with the
 * reason), {@code POST /v2/repository/models/{name}/load} and {@code /unload} load (anew, when it is served) or
 * unload every version of a model. Errors are 400 with the repository's message (a model that is not valid names each version's reason).
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/v2/repository/*")
@HttpWhiteboardServletName("webaccel-oip-repository")
public final class RepositoryServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Pattern MODEL_ACTION = Pattern.compile("/models/([^/]+)/(load|unload)");

    private final transient JsonResponses responses = new JsonResponses(new ObjectMapper(), 0);
    private final transient ModelRepository repository;

    /** @param repository the model repository the endpoint lists, loads and unloads */
    @Activate
    public RepositoryServlet(@Reference ModelRepository repository) {
        this.repository = repository;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI();
        String which = request.getPathInfo() == null ? "" : request.getPathInfo();
        Matcher action = MODEL_ACTION.matcher(which);
        if (!which.equals("/index") && !action.matches()) {
            responses.noEndpoint(response, request.getMethod(), path);
        } else if (!request.getMethod().equals("POST")) {
            responses.methodNotAllowed(response, request.getMethod(), path, "POST");
        } else if (which.equals("/index")) {
            responses.send(response, 200, repository.index().stream().map(RepositoryServlet::entry).toList());
        } else {
            String name = action.group(1);
            try {
                if (action.group(2).equals("load")) {
                    // as in Triton, loading a model that is served loads it anew
                    repository.reload(name);
                } else {
                    repository.unload(name);
                }
                responses.send(response, 200, Map.of());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                responses.sendError(response, new HttpError(400, e.getMessage(), false));
            }
        }
    }

    private static Map<String, Object> entry(ModelState s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", s.name());
        o.put("version", s.version());
        o.put("state", s.ready() ? "READY" : "UNAVAILABLE");
        o.put("reason", s.reason());
        return o;
    }
}
