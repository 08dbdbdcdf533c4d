package org.webaccel.models.internal.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.models.internal.descriptor.DescriptorFormat;

/**
 * Writes the built-in demo models in the repository layout: {@code <dir>/<name>/<version>/model.onnx}
 * and {@code descriptor.json}, plus {@code <dir>/index.txt} listing {@code name/version} per line,
 * because a bundle cannot list the folders of its own class path portably.
 *
 * <p>The build runs {@link #main} after compilation with {@code target/classes/demo-models}, so the
 * models ship inside the bundle and no model binary is kept in source control.
 */
public final class DemoModelWriter {
    /** The file in the demo folder that lists the models. */
    public static final String INDEX = "index.txt";
    /** The model file in each model folder. */
    public static final String MODEL_FILE = "model.onnx";
    /** The descriptor file in each model folder. */
    public static final String DESCRIPTOR_FILE = "descriptor.json";

    private static final List<DemoModel> MODELS =
            List.of(new TextEncoderModel(), new ImageClassifierModel(), new AudioEncoderModel(),
                    new TextClassifierHeadModel(), new TextProjectionHeadModel());

    private DemoModelWriter() {
    }

    /**
     * @param args one argument: the folder to write to
     * @throws IOException when a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: DemoModelWriter <output folder>");
        }
        List<String> written = write(Path.of(args[0]));
        System.out.println("demo models written to " + args[0] + ": " + written);
    }

    /**
     * Writes every demo model, replacing files of the same name.
     *
     * @param dir the folder to write to, created when missing
     * @return {@code name/version} of each model written, in index order
     * @throws IOException when a file cannot be written
     */
    public static List<String> write(Path dir) throws IOException {
        DescriptorFormat format = new DescriptorFormat();
        List<String> written = new ArrayList<>();
        for (DemoModel model : MODELS) {
            ModelDescriptor d = model.descriptor();
            Path folder = dir.resolve(d.name()).resolve(d.version());
            Files.createDirectories(folder);
            Files.write(folder.resolve(MODEL_FILE), model.build().toByteArray());
            Files.write(folder.resolve(DESCRIPTOR_FILE), format.write(d));
            written.add(d.name() + "/" + d.version());
        }
        Files.write(dir.resolve(INDEX), (String.join("\n", written) + "\n").getBytes(StandardCharsets.UTF_8));
        return written;
    }
}
