/**
 * The client API of WebAccel: submit inferences to the {@link org.webaccel.api.ResourcePool} and read their results.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.7.0")
package org.webaccel.api;
