package org.webaccel.metrics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.webaccel.metrics.internal.StoreFixture.NOW;
import static org.webaccel.metrics.internal.StoreFixture.await;
import static org.webaccel.metrics.internal.StoreFixture.record;
import static org.webaccel.metrics.internal.StoreFixture.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.metrics.internal.shell.ReportCommands;

/** pool:report in each format, and --out, over a real DuckDB file with a known history. */
public class ReportFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SVG = "http://www.w3.org/2000/svg";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private DuckDbMetricsStore store;
    private ReportCommands commands;

    @Before
    public void fill() throws Exception {
        Path db = tmp.getRoot().toPath().resolve("metrics.duckdb");
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        store = new DuckDbMetricsStore(settings(db, 10_000), clock);
        commands = new ReportCommands(store, clock);
        for (int i = 0; i < 48; i++) {
            // two series of bert over the last day, one of them with a failure every 12th; a model whose name
            // needs escaping in every format
            store.record(record(NOW.minus(Duration.ofMinutes(30L * i + 1)), "chromium", ExecutionProvider.WASM,
                    100 + i, null));
            store.record(record(NOW.minus(Duration.ofMinutes(30L * i + 2)), "firefox", ExecutionProvider.WEBGPU,
                    300 + i, i % 12 == 0 ? "DeadlineExceededException" : null));
        }
        store.record(new org.webaccel.api.metrics.InferenceRecord(NOW.minusSeconds(5), "a|b<c>&\"d\"", "1",
                org.webaccel.api.model.ModelType.VISION, "chromium", "156.0", ExecutionProvider.WASM, "w1", 1, 0, 0,
                10, 12, null, 64));
        await("97 written", () -> store.status().written() == 97);
    }

    @After
    public void close() {
        store.close();
    }

    @Test
    public void htmlIsWellFormedSelfContainedAndPlotsEachSeries() throws Exception {
        String html = commands.report("1", "html", false, "");
        Document doc = parse(html);
        assertEquals("html", doc.getDocumentElement().getLocalName());
        assertEquals(1, doc.getElementsByTagName("style").getLength());
        assertEquals("no scripts", 0, doc.getElementsByTagName("script").getLength());
        assertEquals("no linked stylesheets", 0, doc.getElementsByTagName("link").getLength());
        assertNoExternalReference(doc.getDocumentElement());
        assertFalse(html, html.contains("url("));
        assertFalse(html, html.contains("@import"));

        NodeList svgs = doc.getElementsByTagNameNS(SVG, "svg");
        assertEquals("one plot per model", 2, svgs.getLength());
        Element bert = (Element) svgs.item(1);
        assertEquals("bert: latency over time (ms)", bert.getElementsByTagNameNS(SVG, "title").item(0)
                .getTextContent());
        NodeList paths = bert.getElementsByTagNameNS(SVG, "path");
        assertEquals("p50 and p95 of chromium/wasm and firefox/webgpu", 4, paths.getLength());
        // 48 half-hourly samples in 12-minute steps: every sample is a point of its line
        String p50 = ((Element) paths.item(0)).getAttribute("d");
        assertEquals(p50, 48, p50.split("[ML]").length - 1);
        // firefox failed alone in 4 steps: those have no median
        assertEquals("a dot on each median", 48 + 44, bert.getElementsByTagNameNS(SVG, "circle").getLength());
        assertEquals("a series of one step is a dot", 1,
                ((Element) svgs.item(0)).getElementsByTagNameNS(SVG, "circle").getLength());
        assertTrue(html, html.contains("chromium / wasm") && html.contains("firefox / webgpu"));

        List<String> cells = texts(doc, "td");
        assertTrue(cells.toString(), cells.contains("a|b<c>&\"d\":1"));
        int firefox = cells.indexOf("firefox");
        assertEquals("48", cells.get(firefox + 2));
        assertEquals("8.3 %", cells.get(firefox + 3));
    }

    @Test
    public void markdownTablesHaveAsManyCellsInEveryRowAsInTheHeader() {
        String md = commands.report("1", "markdown", false, "");
        assertTrue(md, md.startsWith("# Performance over the last 1 day\n"));
        List<List<String>> tables = new ArrayList<>();
        List<String> current = null;
        for (String line : md.split("\n", -1)) {
            if (line.startsWith("|")) {
                if (current == null) {
                    current = new ArrayList<>();
                    tables.add(current);
                }
                current.add(line);
            } else {
                current = null;
            }
        }
        assertEquals(md, 2, tables.size());
        for (List<String> table : tables) {
            int columns = cells(table.get(0)).size();
            assertTrue(table.get(1), table.get(1).matches("\\|( -{3,}:? \\|)+"));
            for (String row : table) {
                assertEquals(row, columns, cells(row).size());
            }
        }
        List<String> summaries = tables.get(0);
        assertEquals(md, 1 + 1 + 3, summaries.size());
        assertEquals(List.of("a\\|b<c>&\"d\":1", "chromium", "wasm", "1", "0.0 %", "12.0", "12.0", "12.0", "12.0"),
                cells(summaries.get(2)));
        assertEquals(List.of("bert:1", "firefox", "webgpu", "48", "8.3 %"), cells(summaries.get(4)).subList(0, 5));
    }

    @Test
    public void jsonParsesAndTheJsonFlagIsTheSameAsTheFormat() throws Exception {
        String json = commands.report("1", "json", false, "");
        assertEquals(json, commands.report("1", "", true, ""));
        assertEquals(json, commands.report("1", "JSON", true, ""));
        JsonNode r = JSON.readTree(json);
        assertEquals(3, r.path("summaries").size());
        assertEquals("a|b<c>&\"d\"", r.path("summaries").get(0).path("model").asText());
        assertEquals(97, r.path("recording").path("written").asLong());
    }

    @Test
    public void outWritesTheFileAndSaysWhereAndHowLarge() throws Exception {
        Path file = tmp.getRoot().toPath().resolve("reports/week.html");
        Files.createDirectories(file.getParent());
        String said = commands.report("7", "html", false, file.toString());
        assertEquals("wrote html report to " + file + " (" + Files.size(file) + " bytes)" + System.lineSeparator(),
                said);
        assertEquals(commands.report("7", "html", false, ""), Files.readString(file, StandardCharsets.UTF_8));
        String md = commands.report("7", "markdown", false, file.toString());
        assertTrue(md, md.startsWith("wrote markdown report to " + file));
        assertTrue(Files.readString(file).startsWith("# Performance over the last 7 days"));
        try (var left = Files.list(file.getParent())) {
            assertEquals("no temporary file left", 1, left.count());
        }
    }

    @Test
    public void badFormatsAndPathsAreRefusedAndWriteNothing() throws Exception {
        Path folder = tmp.newFolder("out").toPath();
        Path file = folder.resolve("r.html");
        expect(() -> commands.report("1", "pdf", false, file.toString()),
                "unknown --format 'pdf'; expected one of text, markdown, html, json");
        expect(() -> commands.report("1", "html", true, file.toString()),
                "--json asks for json but --format asks for html; give one of them");
        expect(() -> commands.report("1", "html", false, folder.toString()),
                "--out " + folder + " is a folder; give a file name in it");
        expect(() -> commands.report("1", "html", false, folder.resolve("missing/r.html").toString()),
                "folder " + folder.resolve("missing") + " does not exist");
        Path plain = Files.writeString(folder.resolve("plain.txt"), "keep");
        expect(() -> commands.report("1", "html", false, plain.resolve("r.html").toString()),
                plain + " is a file, not a folder");
        expect(() -> commands.report("1", "text", false, " "), "--out expects a file name");
        try (var left = Files.list(folder)) {
            assertEquals("only plain.txt", 1, left.count());
        }
        assertEquals("keep", Files.readString(plain));
    }

    @Test
    public void anUnwritableFolderIsRefused() throws Exception {
        // A process's folder in procfs takes no new file, not even from the superuser the tests may run as
        // (a folder made read-only by its mode would be writable to it).
        Path folder = Path.of("/proc/1");
        assertTrue(Files.isDirectory(folder) && !Files.isWritable(folder));
        expect(() -> commands.report("1", "html", false, folder.resolve("r.html").toString()),
                "folder " + folder + " is not writable");
    }

    private static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    /** No element refers to anything outside the file: no src, href or xlink:href but a fragment. */
    private static void assertNoExternalReference(Element e) {
        NamedNodeMap attributes = e.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            String name = attributes.item(i).getLocalName();
            String value = attributes.item(i).getNodeValue();
            if (name.equals("src") || name.equals("href") || name.equals("srcset") || name.equals("data")) {
                assertTrue(e.getTagName() + " " + name + "=" + value, value.startsWith("#"));
            }
            assertFalse(e.getTagName() + " " + name + "=" + value, value.matches("(?i)\\s*(https?:)?//.*")
                    && !name.equals("xmlns"));
        }
        NodeList children = e.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element c) {
                assertNoExternalReference(c);
            }
        }
    }

    private static List<String> texts(Document doc, String tag) {
        List<String> out = new ArrayList<>();
        NodeList nodes = doc.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }

    /** The cells of a markdown table row: split on pipes that are not escaped. */
    private static List<String> cells(String row) {
        String inner = row.substring(1, row.length() - 1);
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '\\' && i + 1 < inner.length()) {
                cell.append(c).append(inner.charAt(++i));
            } else if (c == '|') {
                out.add(cell.toString().trim());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        out.add(cell.toString().trim());
        return out;
    }

    private static void expect(Supplier<String> command, String message) {
        try {
            String out = command.get();
            fail("printed\n" + out + "\nbut expected the error: " + message);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(message));
        }
    }
}
