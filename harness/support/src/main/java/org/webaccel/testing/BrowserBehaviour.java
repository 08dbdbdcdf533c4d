package org.webaccel.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks this machine's browser what it can do, without any WebAccel code in between, so that a test can say
 * which browser behaviour it depends on and expect what the browser really does, whichever build Debian
 * installed this month.
 */
public final class BrowserBehaviour {

    private static final String WEBNN_PAGE = "<!doctype html><body><script>(async () => {"
            + "  let result;"
            + "  try { await navigator.ml.createContext({deviceType: new URLSearchParams(location.search).get('d')});"
            + "        result = 'created'; }"
            + "  catch (e) { result = e.name + ': ' + e.message; }"
            + "  document.body.setAttribute('data-result', result);"
            + "})();</script></body>";

    private static final Pattern RESULT = Pattern.compile("data-result=\"([^\"]*)\"");

    private BrowserBehaviour() {
    }

    /**
     * Opens a page in a headless Chromium with WebNN's feature switch and calls
     * {@code navigator.ml.createContext({deviceType})} in it.
     *
     * @return {@code created}, or the error the browser gave (name: message)
     */
    public static String webNnContext(Path chromium, String deviceType) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("webaccel-behaviour-");
        try (TestSite site = new TestSite().page("/webnn", WEBNN_PAGE)) {
            List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                    "--enable-features=WebMachineLearningNeuralNetwork", "--virtual-time-budget=10000", "--dump-dom",
                    site.uri("/webnn?d=" + deviceType).toString()));
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                String dom = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                Matcher m = RESULT.matcher(dom);
                if (!m.find()) {
                    throw new AssertionError("Chromium printed no WebNN result for " + deviceType + ": " + dom);
                }
                return m.group(1).replace("&quot;", "\"").replace("&amp;", "&").replace("&#39;", "'");
            } finally {
                if (!process.waitFor(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (var paths = Files.walk(folder)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a helper may still write there while it exits; the folder is under the temp directory
        }
    }
}
