package org.webaccel.models.internal.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.models.internal.descriptor.DescriptorFormat;
import org.webaccel.models.internal.descriptor.InvalidDescriptorException;

/** The demo models as the build wrote them into target/classes, i.e. as the bundle ships them. */
final class ShippedDemoModels {
    static final String[] NAMES = {"text-encoder", "image-classifier", "audio-encoder"};

    private ShippedDemoModels() {
    }

    static byte[] bytes(String name, String file) {
        return resource("demo-models/" + name + "/1/" + file);
    }

    static byte[] resource(String resource) {
        try (InputStream in = ShippedDemoModels.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError(resource + " is not on the class path: did the build's "
                        + "write-demo-models step run?");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ModelDescriptor descriptor(String name) {
        try {
            return new DescriptorFormat().parse(name, bytes(name, DemoModelWriter.DESCRIPTOR_FILE));
        } catch (InvalidDescriptorException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    static byte[] model(String name) {
        return bytes(name, DemoModelWriter.MODEL_FILE);
    }
}
