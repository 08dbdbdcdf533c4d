package org.webaccel.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.harness.DistributionProcess;

/**
 * Figure 6: the built container started as a process ({@code bin/webaccel}, every feature of the
 * distribution) until its first inference result over HTTP; and, in the pool, the first inference of each
 * model on a fresh page (which creates the model's session) against warm inferences.
 */
final class StartupFigure {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchPool pool;
    private final BenchConfig config;

    StartupFigure(BenchPool pool, BenchConfig config) {
        this.pool = pool;
        this.config = config;
    }

    Figure measure() throws Exception {
        Figure f = new Figure("startup", "container start to first result; ONNX Runtime Web's start in a fresh page; "
                + "then the first inference per model (session creation) vs warm");
        containerStarts(f);
        coldAndWarm(f);
        return f;
    }

    private void containerStarts(Figure f) throws Exception {
        List<Double> live = new ArrayList<>();
        List<Double> first = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = "{\"inputs\":[{\"name\":\"pixels\",\"shape\":[1,3,32,32],\"datatype\":\"FP32\",\"data\":"
                + JSON.writeValueAsString(pool.inputs("image-classifier", 0, 9).get("pixels").toFloats()) + "}]}";
        String backend = null;
        for (int i = 0; i < config.containerStarts(); i++) {
            long[] t0 = new long[1];
            // The clock starts once the copy is made, just before bin/webaccel is started.
            try (DistributionProcess container = DistributionProcess.start(home -> t0[0] = System.nanoTime())) {
                live.add((System.nanoTime() - t0[0]) / 1e6);
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(container.base().resolve(
                        URI.create("/v2/models/image-classifier/infer"))).timeout(Duration.ofSeconds(180))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.ofString());
                double ms = (System.nanoTime() - t0[0]) / 1e6;
                if (r.statusCode() != 200) {
                    throw new AssertionError("the first request answered " + r.statusCode() + ": " + r.body()
                            + container.diagnostics());
                }
                JsonNode answer = JSON.readTree(r.body());
                if (answer.path("outputs").size() != 2) {
                    throw new AssertionError("the first result lacks its outputs: " + r.body());
                }
                backend = answer.path("parameters").path("backend").asText();
                first.add(ms);
            }
        }
        f.series("bin/webaccel start to HTTP live", "ms", live);
        f.series("bin/webaccel start to first result (HTTP)", "ms", first);
        f.fact("first result computed by", backend);
    }

    private void coldAndWarm(Figure f) throws Exception {
        Map<String, Integer> models = new LinkedHashMap<>();
        models.put("image-classifier", 0);
        models.put("text-encoder", config.mediumSequence());
        models.put("audio-encoder", 0);
        Map<String, List<Double>> cold = new LinkedHashMap<>();
        Map<String, List<Double>> load = new LinkedHashMap<>();
        Map<String, List<Double>> warm = new LinkedHashMap<>();
        for (String m : models.keySet()) {
            cold.put(m, new ArrayList<>());
            load.put(m, new ArrayList<>());
            warm.put(m, new ArrayList<>());
        }
        List<Double> runtimeStart = new ArrayList<>();
        Map<String, Tensor> echo = pool.inputs(EchoModel.NAME, 0, 13);
        for (int round = 0; round < config.coldRounds(); round++) {
            // A fresh page holds no session: its first request of each model creates one. The page's very first
            // session also starts ONNX Runtime Web's wasm: the echo model's (one Identity node) is measured first,
            // so that the models' figures are their own session creation.
            pool.reshape(1, 1);
            runtimeStart.add(pool.infer(EchoModel.NAME, echo).result().timings().loadMs());
            for (Map.Entry<String, Integer> e : models.entrySet()) {
                String m = e.getKey();
                Map<String, Tensor> inputs = pool.inputs(m, e.getValue(), 13);
                BenchPool.Timed first = pool.infer(m, inputs);
                if (!(first.result().timings().loadMs() > 0)) {
                    throw new AssertionError("the first request of " + m + " on a fresh page loaded nothing: "
                            + first.result().timings());
                }
                cold.get(m).add(first.wallMs());
                load.get(m).add(first.result().timings().loadMs());
                List<Double> w = new ArrayList<>();
                for (int i = 0; i < config.warmRuns(); i++) {
                    w.add(pool.infer(m, inputs).wallMs());
                }
                warm.get(m).add(OverheadFigures.median(w));
            }
        }
        f.series("first session in a fresh page: ONNX Runtime Web starting (echo model)", "ms", runtimeStart);
        for (String m : models.keySet()) {
            f.series("first inference, " + m, "ms", cold.get(m))
                    .series("session creation in it, " + m, "ms", load.get(m))
                    .series("warm inference, " + m, "ms", warm.get(m))
                    .ratio("first / warm, " + m, cold.get(m), warm.get(m));
        }
    }
}
