package org.webaccel.harness;

import static org.junit.Assert.assertEquals;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.testing.Await;

/** Real inferences of the demo image classifier through a running container's inference endpoint. */
public final class ImageRequests {
    public static final ModelDescriptor IMAGE = new ModelDescriptor("image-classifier", "1", ModelType.VISION, "",
            List.of(TensorSpec.of("pixels", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(3), Dim.of(32), Dim.of(32))),
            List.of(), Map.of());

    private ImageRequests() {
    }

    /** Runs {@code n} inferences one after the other; each must succeed. */
    static void run(ProtocolClient client, int n, long seed) throws Exception {
        for (int i = 0; i < n; i++) {
            Map<String, Tensor> inputs = TestInputs.random(IMAGE, seed + i, 1);
            HttpResponse<byte[]> r = client.post("/v2/models/image-classifier/infer", ProtocolClient.inferRequest(
                    inputs, false, ProtocolClient.object().put("timeout", TimeUnit.SECONDS.toMicros(300)), "r" + i));
            assertEquals(new String(r.body(), StandardCharsets.UTF_8), 200, r.statusCode());
        }
    }

    /** Waits until the endpoint reports ready (a worker is connected). */
    public static void awaitReady(DistributionProcess container, ProtocolClient client) throws Exception {
        Await.until("the endpoint ready", () -> client.get("/v2/health/ready").statusCode() == 200,
                container::diagnostics);
    }
}
