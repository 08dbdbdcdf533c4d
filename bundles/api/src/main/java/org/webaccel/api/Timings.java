package org.webaccel.api;

/**
 * Where the time of one inference went, in milliseconds, all measured.
 *
 * @param queuedMs from submission until a worker took the request
 * @param loadMs creating the ONNX Runtime session in the page, when this request had to load the model
 *        (0 when the page already had it)
 * @param transferMs the worker round trip minus the page's compute time: framing, WebSocket transfer and
 *        tensor conversion in both directions
 * @param computeMs {@code session.run} in the page, as the page's clock measured it
 * @param totalMs from submission until the result was ready
 */
public record Timings(double queuedMs, double loadMs, double transferMs, double computeMs, double totalMs) {
}
