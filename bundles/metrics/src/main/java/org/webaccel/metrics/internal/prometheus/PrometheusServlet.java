package org.webaccel.metrics.internal.prometheus;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import org.osgi.service.component.annotations.Activate;
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
 * {@code GET /metrics} on the platform's HTTP server: the Prometheus text format (version 0.0.4) of the
 * inference histograms and counters and of the platform's live state.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/metrics")
@HttpWhiteboardServletName("webaccel-prometheus")
public final class PrometheusServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient InferenceMetrics inferences;
    private final transient PlatformCollectors platform;
    private final transient PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    // Optional and dynamic: the endpoint answers while any of them restarts, without their samples.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ResourcePool pool;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HealthMonitor health;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MetricsStore store;

    /** @param inferences the histograms and counters the metrics store fills */
    @Activate
    public PrometheusServlet(@Reference InferenceMetrics inferences) {
        this.inferences = inferences;
        this.platform = new PlatformCollectors(() -> pool, () -> health, () -> store);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            response.setHeader("Allow", "GET, HEAD");
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    request.getMethod() + " is not allowed on /metrics; use GET");
            return;
        }
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        for (MetricSnapshot s : inferences.scrape()) {
            all.metricSnapshot(s);
        }
        for (MetricSnapshot s : platform.scrape()) {
            all.metricSnapshot(s);
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(writer.getContentType());
        response.setHeader("Cache-Control", "no-store");
        if ("GET".equals(request.getMethod())) {
            try (OutputStream out = response.getOutputStream()) {
                writer.write(out, all.build());
            }
        }
    }
}
