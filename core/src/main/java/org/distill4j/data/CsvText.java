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
 * The text rules the delimited and line-based readers share: strict UTF-8 lines with a leading byte order mark
 * dropped, field splitting with double quotes, decimal numbers, and the wording of cell positions in errors.
 */
final class CsvText {
    static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private CsvText() {
    }

    /** Splits one line into trimmed fields, unquoting double-quoted ones ({@code ""} inside quotes is a quote). */
    static List<String> split(String line, char delimiter, String source, int lineNumber) throws DataFormatException {
        List<String> fields = new ArrayList<>();
        int i = 0;
        while (true) {
            while (i < line.length() && line.charAt(i) != delimiter && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i < line.length() && line.charAt(i) == '"') {
                StringBuilder field = new StringBuilder();
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

    /** A decimal number such as {@code 1}, {@code -0.5} or {@code 2e-3} that fits a float; anything else is an error. */
    static float number(String cell, String source, int line, int column, List<String> names) throws DataFormatException {
        if (!NUMBER.matcher(cell).matches()) {
            throw new DataFormatException(source, cellAt(line, column, names) + ": '" + abbreviate(cell)
                    + "' is not a number, expected a decimal number such as 1, -0.5 or 2e-3");
        }
        float value = Float.parseFloat(cell);
        if (!Float.isFinite(value)) {
            throw new DataFormatException(source, cellAt(line, column, names) + ": " + abbreviate(cell)
                    + " is too large for float, expected a magnitude below 3.4e38");
        }
        return value;
    }

    /** {@code "line 3, column 2 ('width')"}: a 1-based line, a 0-based {@code column} shown 1-based, its header name if known. */
    static String cellAt(int line, int column, List<String> names) {
        return "line " + line + ", column " + (column + 1) + columnName(names, column);
    }

    /** {@code " ('width')"}, or nothing without a header. */
    static String columnName(List<String> names, int column) {
        return names == null ? "" : " ('" + abbreviate(names.get(column)) + "')";
    }

    /** A hint when {@code line} contains a likelier delimiter than {@code delimiter}, or nothing. */
    static String delimiterHint(String line, char delimiter) {
        for (char c : new char[] {';', '\t', ',', '|'}) {
            if (c != delimiter && line.indexOf(c) >= 0) {
                return "; is the delimiter '" + (c == '\t' ? "\\t" : String.valueOf(c)) + "' rather than '"
                        + (delimiter == '\t' ? "\\t" : String.valueOf(delimiter)) + "'?";
            }
        }
        return "";
    }

    /** At most 40 characters of {@code s}. */
    static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /**
     * The lines of a file in strict UTF-8 (malformed bytes are a {@link DataFormatException}), numbered from 1,
     * the first without a byte order mark; blank lines are returned too, and a final line break adds no line.
     */
    static final class Lines implements AutoCloseable {
        private final BufferedReader in;
        private final String source;
        private int number;

        Lines(Path file) throws IOException {
            var decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            this.in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 1 << 16);
            this.source = file.toString();
        }

        /** The next line, or {@code null} at the end. */
        String next() throws IOException {
            String line;
            try {
                line = in.readLine();
            } catch (CharacterCodingException e) {
                throw new DataFormatException(source, "is not valid UTF-8 text (after line " + number + ")", e);
            }
            if (line == null) {
                return null;
            }
            number++;
            return number == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line;
        }

        /** The 1-based number of the line {@link #next} returned last. */
        int number() {
            return number;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** {@code items} as a list, only the first {@code max} shown when there are more, then how many in all. */
    static String abbreviate(List<String> items, int max) {
        return items.size() <= max ? items.toString()
                : "[" + String.join(", ", items.subList(0, max)) + ", ... (" + items.size() + " in all)]";
    }

    /** A growable float array. */
    static final class FloatList {
        private float[] values = new float[1024];
        private int size;

        void add(float v) {
            if (size == values.length) {
                if (values.length >= Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("more than 2^31 feature values");
                }
                values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * values.length));
            }
            values[size++] = v;
        }

        int size() {
            return size;
        }

        float[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
