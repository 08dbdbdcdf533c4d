/**
 * Health of workers and backends: the pool reports each outcome to the
 * {@link org.webaccel.api.health.HealthMonitor}, which keeps a circuit breaker and a health score per worker and
 * per backend, and tells the pool whether a worker may take a request.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.webaccel.api.health;
