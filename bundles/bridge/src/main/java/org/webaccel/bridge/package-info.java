/**
 * The bridge between the pool and the browser pages: issues worker page URLs with their tokens and hands the
 * pool a {@link org.webaccel.bridge.WorkerChannel} once a page has connected.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.webaccel.bridge;
