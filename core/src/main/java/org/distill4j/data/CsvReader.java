package org.distill4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
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
        FloatList features = new FloatList();
        List<Integer> labels = new ArrayList<>();
        int maxLabel = -1;
        int maxLabelLine = 0;
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 1 << 16)) {
            int lineNumber = 0;
            for (String line; (line = in.readLine()) != null; ) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                List<String> fields = split(line, source, lineNumber);
                if (columns < 0) {
                    columns = fields.size();
                    firstRowLine = lineNumber;
                    if (columns < 2) {
                        throw new DataFormatException(source, "line " + lineNumber + " has " + columns
                                + " column, expected at least 2 (a label and a feature)" + delimiterHint(line));
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
                        features.add(number(cell, source, lineNumber, c, names));
                    }
                }
            }
        } catch (CharacterCodingException e) {
            throw new DataFormatException(source, "is not valid UTF-8 text", e);
        }
        if (columns < 0) {
            throw new DataFormatException(source, "has no rows");
        }
        int count = classCount > 0 ? classCount : Math.max(1, maxLabel + 1);
        if (maxLabel >= count) {
            throw new DataFormatException(source, "line " + maxLabelLine + ", column " + (labelAt + 1) + columnName(names, labelAt)
                    + ": label " + maxLabel + ", expected 0 to " + (count - 1) + " (or -1 for unlabelled)");
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
            throw new DataFormatException(source, "line " + line + ", column " + (column + 1) + columnName(names, column)
                    + ": label '" + abbreviate(cell) + "', expected a class index 0, 1, ... (or -1 or empty for unlabelled)");
        }
        return Integer.parseInt(cell);
    }

    private static float number(String cell, String source, int line, int column, List<String> names) throws DataFormatException {
        if (!NUMBER.matcher(cell).matches()) {
            throw new DataFormatException(source, "line " + line + ", column " + (column + 1) + columnName(names, column)
                    + ": '" + abbreviate(cell) + "' is not a number");
        }
        float value = Float.parseFloat(cell);
        if (!Float.isFinite(value)) {
            throw new DataFormatException(source, "line " + line + ", column " + (column + 1) + columnName(names, column)
                    + ": " + cell + " is too large for float");
        }
        return value;
    }

    /** Splits one line into trimmed fields, unquoting double-quoted ones. */
    private List<String> split(String line, String source, int lineNumber) throws DataFormatException {
        List<String> fields = new ArrayList<>();
        int i = 0;
        while (true) {
            while (i < line.length() && line.charAt(i) != delimiter && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            StringBuilder field = new StringBuilder();
            if (i < line.length() && line.charAt(i) == '"') {
                int open = i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new DataFormatException(source, "line " + lineNumber + ", column " + (fields.size() + 1)
                                + ": quote opened at character " + (open + 1) + " is not closed on this line");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < line.length() && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                while (i < line.length() && line.charAt(i) != delimiter && Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                if (i < line.length() && line.charAt(i) != delimiter) {
                    throw new DataFormatException(source, "line " + lineNumber + ", column " + (fields.size() + 1)
                            + ": unexpected '" + line.charAt(i) + "' after a closing quote");
                }
                fields.add(field.toString());
            } else {
                int start = i;
                while (i < line.length() && line.charAt(i) != delimiter) {
                    i++;
                }
                fields.add(line.substring(start, i).strip());
            }
            if (i >= line.length()) {
                return fields;
            }
            i++;
        }
    }

    private String delimiterHint(String line) {
        for (char c : new char[] {';', '\t', ',', '|'}) {
            if (c != delimiter && line.indexOf(c) >= 0) {
                return "; is the delimiter '" + (c == '\t' ? "\\t" : String.valueOf(c)) + "' rather than '" + delimiter + "'?";
            }
        }
        return "";
    }

    private static String columnName(List<String> names, int column) {
        return names == null ? "" : " ('" + names.get(column) + "')";
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** A growable float array. */
    private static final class FloatList {
        private float[] values = new float[1024];
        private int size;

        void add(float v) {
            if (size == values.length) {
                if (values.length >= Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("CSV has more than 2^31 feature values");
                }
                values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * values.length));
            }
            values[size++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
