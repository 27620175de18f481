package org.distill4j.example;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.distill4j.train.Classifier;

/**
 * Classifies the rows of a CSV file with a saved student and prints one predicted class name per row.
 *
 * <p>Usage: {@code CsvRowApp MODEL.safetensors ROWS.csv [--latency N]}. The first line is a header; its columns are
 * matched to the model's feature names by name, so they may come in any order, and columns the model does not know
 * (such as {@code label}) are ignored. A model saved without feature names takes every column but {@code label}, in
 * order. Cells hold raw numbers, as in the training file: the model applies its own preprocessing. With
 * {@code --latency N} a last line gives the median time of one single-example {@code predict} over {@code N} calls,
 * after {@code N} warm-up calls.
 *
 * <p>Lines are split with {@link String#split} on commas: enough for unquoted numeric CSV, not for quoted cells.
 */
public final class CsvRowApp {
    private CsvRowApp() {
    }

    public static void main(String[] args) throws IOException {
        int status = run(args, System.out);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the app with {@code args}, printing to {@code out}; returns the exit status. */
    static int run(String[] args, PrintStream out) throws IOException {
        if (args.length != 2 && !(args.length == 4 && args[2].equals("--latency"))) {
            System.err.println("usage: CsvRowApp MODEL.safetensors ROWS.csv [--latency N]");
            return 2;
        }
        List<String> lines = Files.readAllLines(Path.of(args[1]));
        try (Classifier classifier = Classifier.load(Path.of(args[0]))) {
            List<float[]> rows = rows(classifier, lines);
            for (float[] row : rows) {
                out.println(classifier.predictName(row));
            }
            if (args.length == 4) {
                int n = Integer.parseInt(args[3]);
                out.printf("latency: median %.2f us per single-example predict over %d calls%n",
                        medianLatencyMicros(classifier, rows, n), n);
            }
        }
        return 0;
    }

    /** The data rows of {@code lines} (a header, then rows) as raw features in the model's order. */
    static List<float[]> rows(Classifier classifier, List<String> lines) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("the CSV file is empty; expected a header row");
        }
        int[] columns = columns(classifier, split(lines.get(0)));
        List<float[]> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] cells = split(lines.get(i));
            float[] row = new float[columns.length];
            for (int j = 0; j < columns.length; j++) {
                if (columns[j] >= cells.length) {
                    throw new IllegalArgumentException("line " + (i + 1) + " has " + cells.length + " cells, expected at least " + (columns[j] + 1));
                }
                row[j] = Float.parseFloat(cells[columns[j]]);
            }
            rows.add(row);
        }
        return rows;
    }

    /** For each model feature, the CSV column that holds it. */
    private static int[] columns(Classifier classifier, String[] header) {
        List<String> names = Arrays.asList(header);
        List<String> features = classifier.featureNames().orElse(null);
        if (features == null) {
            int[] columns = new int[classifier.inputSize()];
            int next = 0;
            for (int c = 0; c < header.length && next < columns.length; c++) {
                if (!header[c].equals("label")) {
                    columns[next++] = c;
                }
            }
            if (next < columns.length) {
                throw new IllegalArgumentException("the model takes " + columns.length + " features, the header has " + next + " columns besides label");
            }
            return columns;
        }
        int[] columns = new int[features.size()];
        for (int j = 0; j < columns.length; j++) {
            columns[j] = names.indexOf(features.get(j));
            if (columns[j] < 0) {
                throw new IllegalArgumentException("the header has no column '" + features.get(j) + "', a feature of the model; header: " + names);
            }
        }
        return columns;
    }

    private static String[] split(String line) {
        String[] cells = line.split(",", -1);
        for (int i = 0; i < cells.length; i++) {
            cells[i] = cells[i].strip();
        }
        return cells;
    }

    /** The median time in microseconds of one {@code predict} call, cycling over {@code rows}. */
    static double medianLatencyMicros(Classifier classifier, List<float[]> rows, int n) {
        if (rows.isEmpty() || n < 1) {
            throw new IllegalArgumentException("latency needs at least one row and N >= 1");
        }
        for (int i = 0; i < n; i++) {
            classifier.predict(rows.get(i % rows.size()));
        }
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            classifier.predict(rows.get(i % rows.size()));
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return (n % 2 == 1 ? nanos[n / 2] : (nanos[n / 2 - 1] + nanos[n / 2]) / 2.0) / 1e3;
    }
}
