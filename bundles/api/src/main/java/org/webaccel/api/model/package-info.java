/**
 * Models: descriptors with input and output signatures, and the repository that holds them.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.0")
package org.webaccel.api.model;
