package org.webaccel.endpoint.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.Timings;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.model.ModelRef;

/**
 * Writes an inference result as the protocol's response: a JSON object with the outputs' data inline, or,
 * when any output goes back as binary data, that JSON followed by those outputs' raw little-endian bytes.
 */
final class InferResponseEncoder {
    private final JsonFactory json;

    /** @param json the factory of the generator that writes the JSON part */
    InferResponseEncoder(JsonFactory json) {
        this.json = json;
    }

    /**
     * @param request the request, for its id, the outputs it asked for and how
     * @param result the pool's result
     * @return the body
     */
    HttpBody encode(InferRequest request, InferenceResult result) {
        List<Map.Entry<String, Tensor>> outputs = selected(request, result);
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        try (JsonGenerator g = json.createGenerator(header)) {
            g.writeStartObject();
            ModelRef model = ModelRef.parse(result.model());
            g.writeStringField("model_name", model.name());
            if (model.version() != null) {
                g.writeStringField("model_version", model.version());
            }
            if (request.id() != null) {
                g.writeStringField("id", request.id());
            }
            writeParameters(g, result);
            g.writeArrayFieldStart("outputs");
            for (Map.Entry<String, Tensor> output : outputs) {
                writeOutput(g, output.getKey(), output.getValue(), request.binary(output.getKey()) ? binary : null);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            // Writing to memory does not fail; a generator error here is a bug.
            throw new UncheckedIOException(e);
        }
        if (outputs.stream().noneMatch(o -> request.binary(o.getKey()))) {
            return new HttpBody(header.toByteArray(), HttpBody.JSON, -1);
        }
        int headerLength = header.size();
        header.writeBytes(binary.toByteArray());
        return new HttpBody(header.toByteArray(), HttpBody.BINARY, headerLength);
    }

    private static List<Map.Entry<String, Tensor>> selected(InferRequest request, InferenceResult result) {
        if (request.outputs().isEmpty()) {
            return new ArrayList<>(result.outputs().entrySet());
        }
        return request.outputs().stream().map(o -> Map.entry(o.name(), result.output(o.name()))).toList();
    }

    // Where the request ran and how long it took: protocol-conformant parameters a client may ignore.
    private static void writeParameters(JsonGenerator g, InferenceResult result) throws IOException {
        Timings t = result.timings();
        g.writeObjectFieldStart("parameters");
        g.writeStringField("execution_provider", result.executionProvider().id());
        g.writeStringField("backend", result.backend());
        g.writeStringField("worker", result.worker());
        g.writeNumberField("queued_ms", t.queuedMs());
        g.writeNumberField("load_ms", t.loadMs());
        g.writeNumberField("transfer_ms", t.transferMs());
        g.writeNumberField("compute_ms", t.computeMs());
        g.writeNumberField("total_ms", t.totalMs());
        g.writeEndObject();
    }

    private static void writeOutput(JsonGenerator g, String name, Tensor t, ByteArrayOutputStream binary)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("datatype", Datatype.of(t.dtype()).name());
        g.writeArrayFieldStart("shape");
        for (long d : t.shape()) {
            g.writeNumber(d);
        }
        g.writeEndArray();
        if (binary != null) {
            g.writeObjectFieldStart("parameters");
            g.writeNumberField("binary_data_size", t.byteSize());
            g.writeEndObject();
            binary.writeBytes(t.toByteArray());
        } else {
            g.writeFieldName("data");
            JsonTensorData.write(g, t);
        }
        g.writeEndObject();
    }
}
