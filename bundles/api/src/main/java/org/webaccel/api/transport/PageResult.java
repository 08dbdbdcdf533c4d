package org.webaccel.api.transport;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webaccel.api.tensor.Tensor;

/**
 * What a page returned for one run.
 *
 * @param outputs output tensors by name, in the order the page sent them
 * @param computeMs {@code session.run} plus reading the outputs, by the page's clock
 * @param loadMs creating the session, when this run had to (0 otherwise)
 * @param roundTripMs from sending the request frame until the result frame was decoded, by the JVM's clock
 * @param kept the outputs the page kept (see {@link WorkerChannel#run(org.webaccel.api.model.ModelDescriptor,
 *        org.webaccel.api.ExecutionProvider, Map, java.util.List, Map, Map)}); not among {@code outputs}
 * @param stagesMs where the round trip went, in milliseconds, in path order, as far as the transport measures
 *        it (names in {@link Stages}); empty when it does not
 */
public record PageResult(Map<String, Tensor> outputs, double computeMs, double loadMs, double roundTripMs,
        List<KeptTensor> kept, Map<String, Double> stagesMs) {

    /** The names of the stages a transport may report. */
    public static final class Stages {
        /** Building the request frame in the JVM. */
        public static final String ENCODE = "bridge.encode";
        /** From the frame handed to the socket until it was written to the kernel. */
        public static final String WRITE = "bridge.write";
        /** In the page, waiting for the run before it to end (pipelining). */
        public static final String PAGE_QUEUE = "page.queue";
        /** In the page, from the run's start until {@code session.run}: decoding, session lookup (not loading). */
        public static final String PAGE_PREPARE = "page.prepare";
        /** {@code session.run} in the page. */
        public static final String PAGE_RUN = "page.run";
        /** Reading the outputs in the page ({@code getData}). */
        public static final String PAGE_READ = "page.read";
        /**
         * The rest of the round trip: the request through the kernel and the browser to the page, the result
         * frame built and sent by the page, and back to the JVM.
         */
        public static final String WIRE = "wire";
        /** Decoding the result frame in the JVM. */
        public static final String DECODE = "bridge.decode";

        private Stages() {
        }
    }

    /** A result that reports no stages. */
    public PageResult(Map<String, Tensor> outputs, double computeMs, double loadMs, double roundTripMs,
            List<KeptTensor> kept) {
        this(outputs, computeMs, loadMs, roundTripMs, kept, Map.of());
    }

    /** A result that kept nothing and reports no stages. */
    public PageResult(Map<String, Tensor> outputs, double computeMs, double loadMs, double roundTripMs) {
        this(outputs, computeMs, loadMs, roundTripMs, List.of(), Map.of());
    }

    /** Copies the kept list and the stages, keeping their order. */
    public PageResult {
        kept = List.copyOf(kept);
        stagesMs = Collections.unmodifiableMap(new LinkedHashMap<>(stagesMs));
    }
}
