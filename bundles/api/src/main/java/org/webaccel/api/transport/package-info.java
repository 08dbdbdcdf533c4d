/**
 * The contract between the pool and the page transport: the pool asks a {@link
 * org.webaccel.api.transport.WorkerBridge} for a page URL per worker and, once the page has connected, runs
 * models over its {@link org.webaccel.api.transport.WorkerChannel}. The bridge bundle implements it over
 * HTTP and WebSocket; a test can implement it in memory.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.1.0")
package org.webaccel.api.transport;
