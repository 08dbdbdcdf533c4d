package org.webaccel.endpoint.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Optional;
import org.junit.Test;
import org.webaccel.endpoint.internal.ModelRoute.Action;

public class ModelRouteTest {

    private static ModelRoute route(String path) {
        return ModelRoute.parse(path).orElseThrow(() -> new AssertionError("no route for " + path));
    }

    @Test
    public void parsesTheProtocolsModelPaths() {
        assertEquals(new ModelRoute("m", null, Action.METADATA), route("/m"));
        assertEquals(new ModelRoute("m", null, Action.READY), route("/m/ready"));
        assertEquals(new ModelRoute("m", null, Action.INFER), route("/m/infer"));
        assertEquals(new ModelRoute("m", "2", Action.METADATA), route("/m/versions/2"));
        assertEquals(new ModelRoute("m", "2", Action.READY), route("/m/versions/2/ready"));
        assertEquals(new ModelRoute("text-encoder", "1", Action.INFER), route("/text-encoder/versions/1/infer"));
    }

    @Test
    public void otherPathsAreNoEndpoint() {
        for (String path : new String[] {null, "", "/", "/m/", "/m/predict", "/m/versions", "/m/versions/",
                "/m/versions/1/", "/m/versions/1/infer/x", "/m/ready/x"}) {
            assertTrue(String.valueOf(path), ModelRoute.parse(path).equals(Optional.empty()));
        }
    }
}
