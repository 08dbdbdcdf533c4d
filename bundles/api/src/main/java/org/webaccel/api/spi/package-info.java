/**
 * The plugin SPI: a {@link org.webaccel.api.spi.BrowserBackend} launches browsers and opens pages; it never touches tensors.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.webaccel.api.spi;
