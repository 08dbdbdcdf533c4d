/** Placement: which worker (page) and execution provider a request should run on, and why. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.webaccel.api.scheduling;
