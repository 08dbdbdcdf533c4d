package org.webaccel.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class MavenCoordinatesTest {

    @Test
    public void parsesTheThreeShapesOfABundleId() {
        assertEquals(new MavenCoordinates("g", "a", "jar", "", "1.0"), MavenCoordinates.parse("g:a:1.0"));
        assertEquals(new MavenCoordinates("g", "a", "zip", "", "1.0"), MavenCoordinates.parse("g:a:zip:1.0"));
        assertEquals(new MavenCoordinates("g", "a", "jar", "linux", "1.0"), MavenCoordinates.parse("g:a:jar:linux:1.0"));
    }

    @Test
    public void printsTheShortFormForPlainJars() {
        assertEquals("io.netty:netty-common:4.1.137.Final", MavenCoordinates.parse("io.netty:netty-common:4.1.137.Final").toString());
    }

    @Test
    public void rejectsAPlaceholderBecauseNothingResolvesIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MavenCoordinates.parse("org.webaccel:org.webaccel.api:${project.version}"));
        assertTrue(e.getMessage(), e.getMessage().contains("literal version"));
    }

    @Test
    public void rejectsMalformedIds() {
        assertThrows(IllegalArgumentException.class, () -> MavenCoordinates.parse("g:a"));
        assertThrows(IllegalArgumentException.class, () -> MavenCoordinates.parse("g::1.0"));
    }
}
