package org.distill4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.distill4j.io.DataFormatException;

/**
 * Reads a numeric CSV file into a {@link Dataset}: one example per line, one column holding the integer class
 * label and every other column a feature.
 *
 * <p>Settings are immutable; each {@code with...} method returns a changed copy:
 * <pre>Dataset iris = CsvReader.labelColumn("species").withClassCount(3).read(Path.of("iris.csv"));</pre>
 * The label column is chosen by 0-based index (negative counts from the end, -1 is the last column) or by its
 * name in the header row. Labels are integers in {@code [0, classCount)}; {@code -1} or an empty cell marks an
 * unlabelled example. When no class count is given it is the largest label plus one. Features are decimal
 * numbers ({@code 1}, {@code -0.5}, {@code 2e-3}); NaN and infinities are rejected. Fields are trimmed and may
 * be double-quoted ({@code ""} inside quotes is a quote); a quoted field cannot span lines. Blank lines are
 * skipped. Errors name the file, the 1-based line and the 1-based column (and its header name).
 */
public final class CsvReader {
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,9}");

    private final int labelIndex;
    private final String labelName;
    private final boolean header;
    private final char delimiter;
    private final int classCount;

    private CsvReader(int labelIndex, String labelName, boolean header, char delimiter, int classCount) {
        this.labelIndex = labelIndex;
        this.labelName = labelName;
        this.header = header;
        this.delimiter = delimiter;
        this.classCount = classCount;
    }

    /** A reader whose label is in the column at {@code index} (0-based; -1 is the last), with no header row. */
    public static CsvReader labelColumn(int index) {
        return new CsvReader(index, null, false, ',', 0);
    }

    /** A reader whose label is in the column called {@code name} in the header row. */
    public static CsvReader labelColumn(String name) {
        return new CsvReader(0, name, true, ',', 0);
    }

    /** Whether the first non-blank line is a header row of column names (implied when the label is chosen by name). */
    public CsvReader withHeader(boolean hasHeader) {
        if (labelName != null && !hasHeader) {
            throw new IllegalArgumentException("a label column chosen by name needs a header row");
        }
        return new CsvReader(labelIndex, labelName, hasHeader, delimiter, classCount);
    }

    /** The field separator, ',' unless set. */
    public CsvReader withDelimiter(char d) {
        if (d == '"' || d == '\n' || d == '\r') {
            throw new IllegalArgumentException("the delimiter cannot be a quote or line break");
        }
        return new CsvReader(labelIndex, labelName, header, d, classCount);
    }

    /** The number of classes; labels must be below it. 0 (the default) means the largest label plus one. */
    public CsvReader withClassCount(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("classCount must be >= 0, found " + count);
        }
        return new CsvReader(labelIndex, labelName, header, delimiter, count);
    }

    /** Reads the whole file. */
    public Dataset read(Path file) throws IOException {
        String source = file.toString();
        List<String> names = null;
        int columns = -1;
        int labelAt = -1;
        int firstRowLine = 0;
        CsvText.FloatList features = new CsvText.FloatList();
        List<Integer> labels = new ArrayList<>();
        int maxLabel = -1;
        int maxLabelLine = 0;
        try (CsvText.Lines in = new CsvText.Lines(file)) {
            for (String line; (line = in.next()) != null; ) {
                int lineNumber = in.number();
                if (line.isBlank()) {
                    continue;
                }
                List<String> fields = CsvText.split(line, delimiter, source, lineNumber);
                if (columns < 0) {
                    columns = fields.size();
                    firstRowLine = lineNumber;
                    if (columns < 2) {
                        throw new DataFormatException(source, "line " + lineNumber + " has " + columns
                                + " column, expected at least 2 (a label and a feature)" + CsvText.delimiterHint(line, delimiter));
                    }
                    labelAt = labelIndex(fields, source, lineNumber);
                    if (header) {
                        names = fields;
                        continue;
                    }
                }
                if (fields.size() != columns) {
                    throw DataFormatException.mismatch(source, "line " + lineNumber + " has", fields.size() + " columns",
                            columns + " (as on line " + firstRowLine + ")");
                }
                for (int c = 0; c < columns; c++) {
                    String cell = fields.get(c);
                    if (c == labelAt) {
                        int label = label(cell, source, lineNumber, c, names);
                        labels.add(label);
                        if (label > maxLabel) {
                            maxLabel = label;
                            maxLabelLine = lineNumber;
                        }
                    } else {
                        features.add(CsvText.number(cell, source, lineNumber, c, names));
                    }
                }
            }
        }
        if (columns < 0) {
            throw new DataFormatException(source, "has no rows");
        }
        int count = classCount > 0 ? classCount : Math.max(1, maxLabel + 1);
        if (maxLabel >= count) {
            throw new DataFormatException(source, CsvText.cellAt(maxLabelLine, labelAt, names) + ": label " + maxLabel
                    + ", expected 0 to " + (count - 1) + " (or -1 for unlabelled)");
        }
        int[] l = labels.stream().mapToInt(Integer::intValue).toArray();
        return new Dataset(features.toArray(), columns - 1, l, count);
    }

    private int labelIndex(List<String> fields, String source, int lineNumber) throws DataFormatException {
        if (labelName != null) {
            int at = fields.indexOf(labelName);
            if (at < 0) {
                throw new DataFormatException(source, "header on line " + lineNumber + " has no column '" + labelName + "'; it has " + fields);
            }
            if (at != fields.lastIndexOf(labelName)) {
                throw new DataFormatException(source, "header on line " + lineNumber + " has more than one column '" + labelName + "'");
            }
            return at;
        }
        int at = labelIndex < 0 ? fields.size() + labelIndex : labelIndex;
        if (at < 0 || at >= fields.size()) {
            throw new DataFormatException(source, "label column index " + labelIndex + " is outside the " + fields.size()
                    + " columns of line " + lineNumber);
        }
        return at;
    }

    private static int label(String cell, String source, int line, int column, List<String> names) throws DataFormatException {
        if (cell.isEmpty()) {
            return -1;
        }
        if (!INTEGER.matcher(cell).matches() || Integer.parseInt(cell) < -1) {
            throw new DataFormatException(source, CsvText.cellAt(line, column, names)
                    + ": label '" + CsvText.abbreviate(cell) + "', expected a class index 0, 1, ... (or -1 or empty for unlabelled)");
        }
        return Integer.parseInt(cell);
    }
}
