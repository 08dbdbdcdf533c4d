package org.webaccel.endpoint.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.model.ModelDescriptor;

/**
 * The model endpoints under {@code /v2/models}: metadata ({@code GET {name}[/versions/{v}]}), readiness
 * ({@code GET .../ready}) and inference ({@code POST .../infer}).
 */
@Component(service = Servlet.class, configurationPid = "org.webaccel.endpoint")
@Designate(ocd = EndpointConfig.class)
@HttpWhiteboardServletPattern("/v2/models/*")
@HttpWhiteboardServletName("webaccel-oip-models")
@HttpWhiteboardServletAsyncSupported
public final class ModelServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = System.getLogger(ModelServlet.class.getName());

    private final transient ResourcePool pool;
    private final transient ModelCatalog catalog;
    private final transient JsonResponses responses;
    private final transient InferenceHandler inference;

    /**
     * @param config limits and Retry-After
     * @param pool the pool that runs the models
     */
    @Activate
    public ModelServlet(EndpointConfig config, @Reference ResourcePool pool) {
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.pool = pool;
        this.catalog = new ModelCatalog(pool::models);
        this.responses = new JsonResponses(json, Math.max(1, config.retryAfterSeconds()));
        this.inference = new InferenceHandler(pool, catalog, new InferRequestDecoder(json),
                new InferResponseEncoder(json.getFactory()), responses, config.maxRequestBytes());
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        String path = request.getRequestURI();
        Optional<ModelRoute> route = ModelRoute.parse(request.getPathInfo());
        if (route.isEmpty()) {
            responses.noEndpoint(response, method, path);
            return;
        }
        ModelRoute r = route.get();
        String allowed = r.action() == ModelRoute.Action.INFER ? "POST" : "GET";
        if (!method.equals(allowed)) {
            responses.methodNotAllowed(response, method, path, allowed);
            return;
        }
        try {
            switch (r.action()) {
                case METADATA -> metadata(r, response);
                case READY -> ready(r, response);
                case INFER -> inference.handle(r, request, response);
                default -> throw new IllegalStateException(r.action().toString());
            }
        } catch (RuntimeException e) {
            HttpError error = HttpError.of(e);
            if (error.status() == 500) {
                LOG.log(Level.WARNING, method + " " + path + " failed", e);
            }
            responses.sendError(response, error);
        }
    }

    private void metadata(ModelRoute r, HttpServletResponse response) throws IOException {
        ModelDescriptor model = catalog.find(r.name(), r.version());
        responses.send(response, 200, ModelMetadata.of(model, catalog.versions(model.name())));
    }

    // A model is ready when the pool can start it now: a page is connected and a provider it offers can load the
    // model (ModelReadiness). Pages load models on first use. Not ready is 400 with the reason, as the protocol
    // says the status alone answers.
    private void ready(ModelRoute r, HttpServletResponse response) throws IOException {
        ModelDescriptor model = catalog.find(r.name(), r.version());
        ModelReadiness readiness = ModelReadiness.of(model.id(), pool.workers(), pool.sessionFailures());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", model.name());
        body.put("ready", readiness.ready());
        if (!readiness.ready()) {
            body.put("reason", readiness.reason());
        }
        responses.send(response, readiness.ready() ? 200 : 400, body);
    }
}
