package org.webaccel.api;

import java.util.Map;

/**
 * What a page reported about itself when it connected.
 *
 * @param userAgent the browser's user agent string
 * @param ortVersion the ONNX Runtime Web version the page loaded
 * @param webgpu the WebGPU adapter, or why there is none
 * @param webnn WebNN availability per device type
 * @param wasmSimd whether WebAssembly SIMD validates
 * @param wasmThreads whether the page is cross-origin isolated with SharedArrayBuffer, so wasm can use threads
 * @param hardwareConcurrency {@code navigator.hardwareConcurrency}
 */
public record PageCapabilities(String userAgent, String ortVersion, WebGpu webgpu, WebNn webnn,
        boolean wasmSimd, boolean wasmThreads, int hardwareConcurrency) {

    /**
     * The WebGPU adapter of a page.
     *
     * @param available true when {@code requestAdapter()} returned an adapter
     * @param reason why not, when not available
     * @param vendor adapter vendor
     * @param architecture adapter architecture, e.g. {@code swiftshader}
     * @param description adapter description
     * @param fallback whether the adapter is a software fallback adapter
     * @param limits the main adapter limits
     */
    public record WebGpu(boolean available, String reason, String vendor, String architecture,
            String description, boolean fallback, Map<String, Long> limits) {
    }

    /**
     * WebNN in a page.
     *
     * @param api whether {@code navigator.ml} exists
     * @param devices per device type (cpu, gpu, npu): {@code ok} or the browser's own error
     */
    public record WebNn(boolean api, Map<String, String> devices) {
    }

    /**
     * @param ep an execution provider
     * @return whether this page can run models on it
     */
    public boolean supports(ExecutionProvider ep) {
        return switch (ep) {
            case WASM, AUTO -> true;
            case WEBGPU -> webgpu != null && webgpu.available();
            case WEBNN -> webnn != null && webnn.devices().containsValue("ok");
        };
    }
}
