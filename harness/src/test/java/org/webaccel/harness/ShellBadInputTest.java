package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.ResourcePool;

/**
 * Bad input through the Gogo shell, with the pool running real Chromium workers: each kind of bad input file
 * gets its own specific error, nothing is accepted or run for it, and the pool goes on serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellBadInputTest {
    private static final String PIXELS_SHAPE = "[1, 3, 32, 32]";

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin cm;

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() throws Exception {
        return FelixOptions.distribution(FelixOptions.onlyBackend("chromium"));
    }

    private String run(String command) throws Exception {
        return Gogo.run(processor, command);
    }

    private static String pixels(String dtype, String shape, int values) {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < values; i++) {
            data.append(i == 0 ? "" : ",").append("int64".equals(dtype) ? Integer.toString(i % 7)
                    : Double.toString(i % 7 * 0.1));
        }
        return "\"pixels\": {" + (dtype == null ? "" : "\"dtype\": \"" + dtype + "\", ") + "\"shape\": " + shape
                + ", \"data\": [" + data + "]}";
    }

    private Path file(String json) throws Exception {
        Path f = Files.createTempFile("input", ".json");
        Files.writeString(f, json);
        return f;
    }

    /** The command fails with exactly this error, and the pool accepted nothing for it. */
    private void assertRefused(String json, String expected) throws Exception {
        assertRefused("image-classifier", json, expected);
    }

    private void assertRefused(String model, String json, String expected) throws Exception {
        ResourcePool pool = PoolServices.pool(context);
        PoolStatus before = pool.status();
        Path f = file(json);
        try {
            String out = run("pool:infer " + model + " --input " + f);
            fail("accepted " + json + ": " + out);
        } catch (Exception e) {
            assertTrue("expected <" + expected + "> in <" + e.getMessage() + ">",
                    e.getMessage().contains(expected.replace("FILE", f.toString())));
        }
        PoolStatus after = pool.status();
        assertEquals("nothing was accepted", before.submitted(), after.submitted());
        assertEquals("nothing failed", before.failed(), after.failed());
        assertEquals("the workers stay", before.workers(), after.workers());
    }

    private static void assertApiRefused(ResourcePool pool, org.webaccel.api.tensor.Tensor pixels, String expected)
            throws Exception {
        PoolStatus before = pool.status();
        try {
            pool.infer("image-classifier", Map.of("pixels", pixels), null).toCompletableFuture().join();
            fail("accepted " + pixels);
        } catch (java.util.concurrent.CompletionException e) {
            assertTrue(e.getCause() instanceof org.webaccel.api.InvalidInputException);
            assertTrue("expected <" + expected + "> in <" + e.getCause().getMessage() + ">",
                    e.getCause().getMessage().contains(expected));
        }
        assertEquals(before.submitted(), pool.status().submitted());
        assertEquals(before.rejected() + 1, pool.status().rejected());
    }

    @Test
    public void eachBadInputFileGetsItsOwnErrorAndDisturbsNothing() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 1, "maxInputBytes", 1 << 20));
        PoolServices.awaitWorkers(pool, 1);
        String good = "{" + pixels(null, PIXELS_SHAPE, 3072) + "}";
        assertTrue(run("pool:infer image-classifier --input " + file(good)).contains("logits"));

        assertRefused("{\"pixels\": ", "input file FILE is not valid JSON");
        assertRefused("{" + pixels(null, "[1, 3, 16, 16]", 768) + "}",
                "input 'pixels' of model 'image-classifier' expects shape [batch, 3, 32, 32]: dimension 2 must be 32");
        assertRefused("{" + pixels("int64", PIXELS_SHAPE, 3072) + "}",
                "input 'pixels' of model 'image-classifier' must be float32; got int64");
        assertRefused("{}", "model 'image-classifier' expects inputs");
        assertRefused("text-encoder", "{\"input_ids\": {\"dtype\": \"int64\", \"shape\": [1, 4], "
                + "\"data\": [1, 2, 3, 4]}}", "model 'text-encoder' is missing input 'attention_mask'");
        assertRefused("{" + pixels(null, PIXELS_SHAPE, 3072) + ", \"extra\": {\"shape\": [1], \"data\": [1]}}",
                "model 'image-classifier' has no input 'extra'");
        // 128 images of 12 KiB each: 1.5 MiB, over the 1 MiB limit set above.
        assertRefused("{" + pixels(null, "[128, 3, 32, 32]", 128 * 3072) + "}",
                "over the limit of 1048576 bytes");
        assertRefused("{" + pixels(null, PIXELS_SHAPE, 3071) + "}",
                "input 'pixels' in FILE: shape [1,3,32,32] needs 3072 values, data has 3071");

        // The same limit through the Java API.
        assertApiRefused(pool, org.webaccel.api.tensor.Tensor.ofFloats(new long[] {128, 3, 32, 32},
                new float[128 * 3072]), "total 1572864 bytes, over the limit of 1048576 bytes");

        // The pool still serves, on the same workers.
        assertTrue(run("pool:infer image-classifier --input " + file(good)).contains("logits"));
        String status = run("pool:status");
        assertTrue(status, status.contains("failed    none"));
        PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2));
    }
}
