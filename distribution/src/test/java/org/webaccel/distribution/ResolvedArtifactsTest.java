package org.webaccel.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ResolvedArtifactsTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void findsTheFileMavenResolvedWithOrWithoutAModuleNote() throws Exception {
        Path scr = temp.newFile("scr.jar").toPath();
        Path api = temp.newFile("api.jar").toPath();
        ResolvedArtifacts artifacts = ResolvedArtifacts.parse(List.of(
                "",
                "The following files have been resolved:",
                "   org.apache.felix:org.apache.felix.scr:jar:2.2.18:runtime:" + scr + " -- module org.apache.felix.scr (auto)",
                "   org.webaccel:org.webaccel.api:jar:0.1.0-SNAPSHOT:runtime:" + api));

        assertEquals(scr, artifacts.fileOf(MavenCoordinates.parse("org.apache.felix:org.apache.felix.scr:2.2.18"), "core.json"));
        assertEquals(api, artifacts.fileOf(MavenCoordinates.parse("org.webaccel:org.webaccel.api:0.1.0-SNAPSHOT"), "core.json"));
    }

    @Test
    public void readsAListMavenColouredInATerminal() throws Exception {
        Path jar = temp.newFile("framework.jar").toPath();
        ResolvedArtifacts artifacts = ResolvedArtifacts.parse(List.of("   org.apache.felix:org.apache.felix.framework:jar:"
                + "7.0.5:compile:" + jar + "\u001B[36m -- module org.apache.felix.framework\u001B[m"));

        assertEquals(jar, artifacts.fileOf(MavenCoordinates.parse("org.apache.felix:org.apache.felix.framework:7.0.5"),
                "core.json"));
    }

    @Test
    public void namesThePomVersionWhenAFeatureVersionDiffers() throws Exception {
        Path jar = temp.newFile("jackson-core.jar").toPath();
        ResolvedArtifacts artifacts = ResolvedArtifacts.parse(List.of(
                "   com.fasterxml.jackson.core:jackson-core:jar:2.23.0:compile:" + jar));

        AssemblyException e = assertThrows(AssemblyException.class, () -> artifacts.fileOf(
                MavenCoordinates.parse("com.fasterxml.jackson.core:jackson-core:2.22.0"), "core.json"));
        assertTrue(e.getMessage(), e.getMessage().contains("core.json names com.fasterxml.jackson.core:jackson-core:2.22.0"));
        assertTrue(e.getMessage(), e.getMessage().contains("resolves version 2.23.0"));
    }

    @Test
    public void saysWhereToDeclareABundleThatIsNoDependency() {
        ResolvedArtifacts artifacts = ResolvedArtifacts.parse(List.of());

        AssemblyException e = assertThrows(AssemblyException.class, () -> artifacts.fileOf(
                MavenCoordinates.parse("org.example:missing:1.0"), "extra.json"));
        assertTrue(e.getMessage(), e.getMessage().contains("distribution/pom.xml"));
    }

    @Test
    public void refusesAResolvedPathThatIsNoFile() throws Exception {
        Path classes = temp.newFolder("classes").toPath();
        ResolvedArtifacts artifacts = ResolvedArtifacts.parse(List.of("   g:a:jar:1.0:runtime:" + classes));

        assertTrue(Files.isDirectory(classes));
        assertThrows(AssemblyException.class, () -> artifacts.fileOf(MavenCoordinates.parse("g:a:1.0"), "core.json"));
    }
}
