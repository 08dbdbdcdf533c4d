/**
 * Performance history: one {@link org.webaccel.api.metrics.InferenceRecord} per inference, kept by a
 * {@link org.webaccel.api.metrics.MetricsStore}, and what the store derives from it: latency summaries,
 * browser recommendations and statistically tested trends of latency, throughput, error rate, memory and
 * loading time.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.webaccel.api.metrics;
