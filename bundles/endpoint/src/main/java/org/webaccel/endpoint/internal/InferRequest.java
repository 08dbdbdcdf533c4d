package org.webaccel.endpoint.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.Tensor;

/**
 * A decoded inference request.
 *
 * @param id the client's request id, echoed in the response; null when it gave none
 * @param inputs the input tensors by name, in request order
 * @param outputs the outputs asked for, in request order; empty for all of the model's outputs
 * @param parameters the request-level parameters
 */
record InferRequest(String id, Map<String, Tensor> inputs, List<RequestedOutput> outputs, InferParameters parameters) {

    /**
     * One entry of the request's {@code outputs}.
     *
     * @param name the output's name
     * @param binaryData its {@code binary_data} parameter, or null when it has none
     */
    record RequestedOutput(String name, Boolean binaryData) {
    }

    /** Copies the collections, keeping their order. */
    InferRequest {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = List.copyOf(outputs);
    }

    /**
     * @return the request without its inputs: what answering it needs, so that nothing waiting to answer holds
     *         the input tensors once the pool has them
     */
    InferRequest withoutInputs() {
        return new InferRequest(id, Map.of(), outputs, parameters);
    }

    /** @return the options for the pool */
    InferenceOptions options() {
        return parameters.options();
    }

    /**
     * @param output an output name
     * @return true when that output goes back as binary data: its own {@code binary_data} parameter decides,
     *         else the request's {@code binary_data_output}
     */
    boolean binary(String output) {
        for (RequestedOutput o : outputs) {
            if (o.name().equals(output) && o.binaryData() != null) {
                return o.binaryData();
            }
        }
        return parameters.binaryDataOutput();
    }

    /**
     * Checks the requested outputs against the model before anything runs.
     *
     * @param model the model the request is for
     * @throws ProtocolException (400) naming the model's outputs when one asked for does not exist
     */
    void checkOutputs(ModelDescriptor model) {
        List<String> names = model.outputs().stream().map(TensorSpec::name).toList();
        for (RequestedOutput o : outputs) {
            if (!names.contains(o.name())) {
                throw ProtocolException.badRequest("model '" + model.name() + "' has no output '" + o.name()
                        + "'; its outputs are " + names);
            }
        }
    }
}
