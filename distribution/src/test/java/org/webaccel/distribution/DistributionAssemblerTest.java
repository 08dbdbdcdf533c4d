package org.webaccel.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class DistributionAssemblerTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path features;
    private Path template;
    private List<String> resolved;

    @Before
    public void setUp() throws Exception {
        features = temp.newFolder("features").toPath();
        template = temp.newFolder("template").toPath();
        Files.createDirectories(template.resolve("bin"));
        Files.writeString(template.resolve("bin/webaccel"), "#!/bin/sh\n");
        Files.createDirectories(template.resolve("conf"));
        Files.writeString(template.resolve("conf/framework.properties"), "a=b\n");
        resolved = new ArrayList<>();
        for (String artifact : List.of("g:late:1.0", "g:early:1.0", "g:unordered:1.0", "g:backend:1.0")) {
            String[] gav = artifact.split(":");
            Path jar = temp.newFile(gav[1] + "-" + gav[2] + ".jar").toPath();
            resolved.add("   " + gav[0] + ":" + gav[1] + ":jar:" + gav[2] + ":runtime:" + jar);
        }
    }

    @Test
    public void laysOutTheContainerWithBundlesInStartOrder() throws Exception {
        Files.writeString(features.resolve("core.json"), """
                { "id": "g:core:json:1.0",
                  "bundles": [ {"id": "g:late:1.0", "start-order": 9}, "g:unordered:1.0", {"id": "g:early:1.0", "start-order": 1} ],
                  "configurations": { "org.example.Pool": { "workers": 2 } } }""");
        Files.writeString(features.resolve("backend.json"), """
                { "id": "g:backend:json:1.0", "bundles": [ {"id": "g:backend:1.0", "start-order": 9} ] }""");
        Path output = temp.getRoot().toPath().resolve("webaccel");

        assemble(output);

        try (Stream<Path> bundles = Files.list(output.resolve("bundle"))) {
            List<String> names = bundles.map(p -> p.getFileName().toString()).sorted().toList();
            // start order first; ties keep the order of the feature files (backend.json sorts before core.json)
            assertEquals(List.of("001-000-early-1.0.jar", "009-001-backend-1.0.jar", "009-002-late-1.0.jar",
                    "050-003-unordered-1.0.jar"), names);
        }
        assertTrue(Files.isExecutable(output.resolve("bin/webaccel")));
        assertTrue(Files.readString(output.resolve("conf/org.example.Pool.config")).contains("workers = L\"2\""));
        assertTrue(Files.isDirectory(output.resolve("deploy")));
        assertTrue(Files.isDirectory(output.resolve("data")));
        assertTrue(Files.isRegularFile(output.resolve("features/core.json")));
        assertTrue(Files.isRegularFile(output.resolve("lib/launcher.jar")));
    }

    @Test
    public void failsNamingEveryBundleThatCannotBeResolved() throws Exception {
        Files.writeString(features.resolve("core.json"), """
                { "id": "g:core:json:1.0", "bundles": [ "g:early:2.0", "g:nowhere:1.0", "g:late:1.0" ] }""");

        AssemblyException e = assertThrows(AssemblyException.class, () -> assemble(temp.getRoot().toPath().resolve("out")));

        assertTrue(e.getMessage(), e.getMessage().contains("g:early:2.0 but the build resolves version 1.0"));
        assertTrue(e.getMessage(), e.getMessage().contains("g:nowhere:1.0, which Maven did not resolve"));
        assertTrue("nothing is written when a bundle is missing", Files.notExists(temp.getRoot().toPath().resolve("out")));
    }

    @Test
    public void failsWhenTwoFeaturesWantTwoVersionsOfOneBundle() throws Exception {
        Files.writeString(features.resolve("a.json"), "{ \"id\": \"g:a:json:1.0\", \"bundles\": [ \"g:early:1.0\" ] }");
        Files.writeString(features.resolve("b.json"), "{ \"id\": \"g:b:json:1.0\", \"bundles\": [ \"g:early:1.1\" ] }");

        AssemblyException e = assertThrows(AssemblyException.class, () -> assemble(temp.getRoot().toPath().resolve("out")));

        assertTrue(e.getMessage(), e.getMessage().contains("a container holds one version"));
    }

    private void assemble(Path output) throws Exception {
        Path launcher = temp.newFile("launcher.jar").toPath();
        new DistributionAssembler(new FeatureReader().readAll(features), ResolvedArtifacts.parse(resolved))
                .assemble(template, features, List.of(launcher), output);
    }
}
