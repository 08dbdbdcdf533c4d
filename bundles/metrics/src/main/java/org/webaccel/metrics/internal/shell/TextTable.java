package org.webaccel.metrics.internal.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * A table: a header row and data rows, printed as plain text (columns padded to their widest cell) or as a
 * GitHub-flavoured Markdown pipe table.
 */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] rightAligned;

    /**
     * @param header the column titles; a title starting with {@code >} is right-aligned (the {@code >} is
     *        not printed), for numbers
     */
    TextTable(String... header) {
        rightAligned = new boolean[header.length];
        String[] titles = new String[header.length];
        for (int i = 0; i < header.length; i++) {
            rightAligned[i] = header[i].startsWith(">");
            titles[i] = rightAligned[i] ? header[i].substring(1) : header[i];
        }
        rows.add(titles);
    }

    TextTable row(Object... cells) {
        if (cells.length != rightAligned.length) {
            throw new IllegalArgumentException(cells.length + " cells for " + rightAligned.length + " columns");
        }
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = String.valueOf(cells[i]);
        }
        rows.add(r);
        return this;
    }

    @Override
    public String toString() {
        int[] width = new int[rightAligned.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                String pad = " ".repeat(width[i] - r[i].length());
                line.append(rightAligned[i] ? pad + r[i] : r[i] + pad);
                if (i < r.length - 1) {
                    line.append("  ");
                }
            }
            out.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return out.toString();
    }

    /** @return the table as a Markdown pipe table, right-aligned columns marked so, cells escaped */
    String markdown() {
        StringBuilder out = new StringBuilder();
        markdownLine(out, rows.get(0));
        out.append('|');
        for (boolean r : rightAligned) {
            out.append(r ? " ---: |" : " --- |");
        }
        out.append('\n');
        for (int i = 1; i < rows.size(); i++) {
            markdownLine(out, rows.get(i));
        }
        return out.toString();
    }

    private static void markdownLine(StringBuilder out, String[] cells) {
        out.append('|');
        for (String c : cells) {
            out.append(' ').append(MarkdownReport.cell(c)).append(" |");
        }
        out.append('\n');
    }
}
