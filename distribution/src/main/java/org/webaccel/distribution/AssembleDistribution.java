package org.webaccel.distribution;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The assembler's entry point, run by exec-maven-plugin in the {@code package} phase.
 *
 * <p>Arguments, as {@code --name value} pairs: {@code --features} (the features folder), {@code --resolved}
 * (the dependency list file), {@code --framework} ({@code groupId:artifactId} of the OSGi framework jar),
 * {@code --launcher} (the launcher jar), {@code --template} (bin/ and conf/ templates), {@code --output}
 * (the distribution folder).
 */
public final class AssembleDistribution {

    private AssembleDistribution() {
    }

    /**
     * Assembles the distribution. Failures are thrown, not turned into an exit code: the plugin runs this in
     * Maven's own JVM, where an exception fails the build with its message.
     *
     * @param args the arguments described above
     * @throws AssemblyException if the features cannot be assembled, with a message that says what to fix
     * @throws IOException       if the distribution cannot be written
     */
    public static void main(String[] args) throws AssemblyException, IOException {
        Map<String, String> options = options(args);
        Path features = Path.of(required(options, "features"));
        List<Feature> read = new FeatureReader().readAll(features);
        ResolvedArtifacts artifacts = ResolvedArtifacts.read(Path.of(required(options, "resolved")));

        String[] framework = required(options, "framework").split(":");
        if (framework.length != 2) {
            throw new AssemblyException("--framework must be groupId:artifactId");
        }
        List<Path> libraries = new ArrayList<>();
        libraries.add(artifacts.fileOf(framework[0], framework[1]));
        libraries.add(Path.of(required(options, "launcher")));
        if (!libraries.get(1).toFile().isFile()) {
            throw new AssemblyException("the launcher jar " + libraries.get(1) + " does not exist: run after jar:jar");
        }

        Path output = Path.of(required(options, "output"));
        new DistributionAssembler(read, artifacts).assemble(Path.of(required(options, "template")), features, libraries, output);
        int bundles = read.stream().mapToInt(f -> f.bundles().size()).sum();
        System.out.println("[webaccel] assembled " + output + " from " + read.size() + " features (" + bundles + " bundle entries)");
    }

    private static Map<String, String> options(String[] args) throws AssemblyException {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new AssemblyException("expected --name value pairs, got '" + args[i] + "'");
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) throws AssemblyException {
        String value = options.get(name);
        if (value == null) {
            throw new AssemblyException("missing --" + name);
        }
        return value;
    }
}
