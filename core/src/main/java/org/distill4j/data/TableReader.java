package org.distill4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.distill4j.io.DataFormatException;

/**
 * Reads a delimited text table with a header row (CSV, TSV) into a {@link RawTable}: one column of labels, kept as
 * text, and every other column a numeric feature.
 *
 * <p>Settings are immutable; each {@code with...} method returns a changed copy:
 * <pre>RawTable t = TableReader.forFile(file).withLabel("species").withMissingCells(true).read(file);</pre>
 * The first non-blank line is the header; its names must be distinct and not empty. Fields are trimmed and may be
 * double-quoted ({@code ""} inside quotes is a quote; a quoted field cannot span lines); a UTF-8 byte order mark
 * is dropped and blank lines are skipped. Features are decimal numbers that fit a float; NaN and infinities are
 * refused, and so are missing cells (empty, {@code NA}, {@code NaN}, {@code null} or {@code ?}, in any case)
 * unless {@link #withMissingCells} allows them, when they are read as NaN. Errors name the file, the 1-based
 * line, the 1-based column with its header name, what was found and what was expected.
 */
public final class TableReader {
    private static final Pattern INDEX = Pattern.compile("-?\\d{1,9}");
    private static final Pattern INFINITE = Pattern.compile("[+-]?(inf|infinity)", Pattern.CASE_INSENSITIVE);
    private static final Set<String> MISSING = Set.of("", "na", "nan", "null", "?");

    private final char delimiter;
    private final String label;
    private final boolean labelRequired;
    private final boolean missingAllowed;

    private TableReader(char delimiter, String label, boolean labelRequired, boolean missingAllowed) {
        this.delimiter = delimiter;
        this.label = label;
        this.labelRequired = labelRequired;
        this.missingAllowed = missingAllowed;
    }

    /**
     * A reader for {@code file}'s kind: tab-delimited for names ending in {@code .tsv} or {@code .tab}, else
     * comma-delimited; the label column is {@code label} and required; missing cells are errors.
     */
    public static TableReader forFile(Path file) {
        String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        return new TableReader(name.endsWith(".tsv") || name.endsWith(".tab") ? '\t' : ',', "label", true, false);
    }

    /** The field separator. */
    public TableReader withDelimiter(char d) {
        if (d == '"' || d == '\n' || d == '\r') {
            throw new IllegalArgumentException("the delimiter cannot be a quote or line break");
        }
        return new TableReader(d, label, labelRequired, missingAllowed);
    }

    /**
     * The label column: a header name or, when no column has that name, a 0-based index written as an integer,
     * negative counting from the end ({@code "-1"} is the last column).
     */
    public TableReader withLabel(String column) {
        if (Objects.requireNonNull(column, "column").isBlank()) {
            throw new IllegalArgumentException("the label column must be a header name or an index, found '" + column + "'");
        }
        return new TableReader(delimiter, column.strip(), labelRequired, missingAllowed);
    }

    /**
     * Whether a file without the label column is an error (the default) or is read with {@code labels == null},
     * as prediction inputs and unlabelled transfer sets are. A label index outside the header is always an error.
     */
    public TableReader withLabelRequired(boolean required) {
        return new TableReader(delimiter, label, required, missingAllowed);
    }

    /** Whether missing feature cells are read as NaN (for imputation) rather than refused. */
    public TableReader withMissingCells(boolean allowed) {
        return new TableReader(delimiter, label, labelRequired, allowed);
    }

    /** Reads the whole file. */
    public RawTable read(Path file) throws IOException {
        String source = file.toString();
        List<String> names = null;
        int headerLine = 0;
        int labelAt = -1;
        CsvText.FloatList features = new CsvText.FloatList();
        List<String> labels = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        try (CsvText.Lines in = new CsvText.Lines(file)) {
            for (String line; (line = in.next()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                int lineNumber = in.number();
                List<String> fields = CsvText.split(line, delimiter, source, lineNumber);
                if (names == null) {
                    names = header(fields, source, lineNumber);
                    headerLine = lineNumber;
                    labelAt = labelColumn(names, source, lineNumber);
                    continue;
                }
                if (fields.size() != names.size()) {
                    throw DataFormatException.mismatch(source, "line " + lineNumber + " has", fields.size() + " columns",
                            names.size() + " (as in the header on line " + headerLine + ")");
                }
                for (int c = 0; c < fields.size(); c++) {
                    if (c == labelAt) {
                        labels.add(fields.get(c));
                    } else {
                        features.add(feature(fields.get(c), source, lineNumber, c, names));
                    }
                }
                lines.add(lineNumber);
            }
        }
        if (names == null) {
            throw new DataFormatException(source, "is empty, expected a header row of column names and then rows of numbers");
        }
        if (lines.isEmpty()) {
            throw new DataFormatException(source, "has a header (line " + headerLine + ") but no rows, expected at least one row");
        }
        List<String> featureNames = new ArrayList<>(names);
        if (labelAt >= 0) {
            featureNames.remove(labelAt);
        }
        return new RawTable(source, featureNames, lines.size(), features.toArray(), labelAt < 0 ? null : labels,
                lines.stream().mapToInt(Integer::intValue).toArray());
    }

    private static List<String> header(List<String> fields, String source, int lineNumber) throws DataFormatException {
        if (fields.stream().allMatch(f -> f.isEmpty() || CsvText.NUMBER.matcher(f).matches())
                && fields.stream().anyMatch(f -> !f.isEmpty())) {
            throw new DataFormatException(source, "line " + lineNumber + " holds only numbers, expected a header; "
                    + "the first line must be a header of column names");
        }
        Map<String, Integer> columns = new HashMap<>();
        for (int c = 0; c < fields.size(); c++) {
            if (fields.get(c).isEmpty()) {
                throw new DataFormatException(source, "header on line " + lineNumber + ", column " + (c + 1)
                        + ": empty name, expected a name for every column");
            }
            Integer first = columns.putIfAbsent(fields.get(c), c);
            if (first != null) {
                throw new DataFormatException(source, "header on line " + lineNumber + ": columns " + (first + 1) + " and "
                        + (c + 1) + " are both named '" + CsvText.abbreviate(fields.get(c)) + "', expected distinct names");
            }
        }
        return fields;
    }

    /** The 0-based index of the label column in {@code names}, or -1 when there is none and none is required. */
    private int labelColumn(List<String> names, String source, int lineNumber) throws DataFormatException {
        int at = names.indexOf(label);
        if (at < 0 && INDEX.matcher(label).matches()) {
            int index = Integer.parseInt(label);
            at = index < 0 ? names.size() + index : index;
            if (at < 0 || at >= names.size()) {
                throw new DataFormatException(source, "label column index " + label + " is outside the " + names.size()
                        + " columns of the header on line " + lineNumber + " " + CsvText.abbreviate(names, 20));
            }
        }
        if (at < 0 && labelRequired) {
            throw new DataFormatException(source, "header on line " + lineNumber + " has no label column '" + label
                    + "'; it has " + CsvText.abbreviate(names, 20) + " (the label column may be chosen by name or 0-based index)"
                    + (names.size() == 1 ? CsvText.delimiterHint(names.get(0), delimiter) : ""));
        }
        if (at >= 0 && names.size() == 1) {
            throw new DataFormatException(source, "header on line " + lineNumber + " has only the label column '"
                    + names.get(0) + "', expected feature columns too" + CsvText.delimiterHint(names.get(0), delimiter));
        }
        return at;
    }

    private float feature(String cell, String source, int line, int column, List<String> names) throws DataFormatException {
        if (MISSING.contains(cell.toLowerCase(Locale.ROOT))) {
            if (missingAllowed) {
                return Float.NaN;
            }
            throw new DataFormatException(source, CsvText.cellAt(line, column, names) + ": missing value '" + cell
                    + "', expected a number; give --impute mean to fill missing cells with the training mean");
        }
        if (INFINITE.matcher(cell).matches()) {
            throw new DataFormatException(source, CsvText.cellAt(line, column, names) + ": '" + cell
                    + "' is not finite, expected a finite number");
        }
        return CsvText.number(cell, source, line, column, names);
    }
}
