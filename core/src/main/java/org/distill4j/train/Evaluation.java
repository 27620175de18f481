package org.distill4j.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * Classification results on a labelled set: error count, per-class errors and the confusion
 * matrix ({@code confusion[true][predicted]}). Unlabelled examples are not counted.
 */
public record Evaluation(int examples, int errors, int[] perClassErrors, int[] perClassCount, int[][] confusion) {

    /** Tallies predictions against labels; labels of -1 are skipped. */
    public static Evaluation of(int[] predicted, int[] labels, int classes) {
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + labels.length + " labels");
        }
        int[][] confusion = new int[classes][classes];
        int[] errors = new int[classes];
        int[] count = new int[classes];
        int n = 0;
        int wrong = 0;
        for (int i = 0; i < labels.length; i++) {
            int y = labels[i];
            if (y < 0) {
                continue;
            }
            n++;
            count[y]++;
            confusion[y][predicted[i]]++;
            if (predicted[i] != y) {
                wrong++;
                errors[y]++;
            }
        }
        return new Evaluation(n, wrong, errors, count, confusion);
    }

    public double accuracy() {
        return examples == 0 ? Double.NaN : 1.0 - (double) errors / examples;
    }

    public double errorRate() {
        return examples == 0 ? Double.NaN : (double) errors / examples;
    }

    public int classes() {
        return perClassCount.length;
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("examples", examples);
        o.addProperty("errors", errors);
        o.addProperty("accuracy", accuracy());
        JsonArray pe = new JsonArray();
        for (int e : perClassErrors) {
            pe.add(e);
        }
        o.add("perClassErrors", pe);
        JsonArray cm = new JsonArray();
        for (int[] row : confusion) {
            JsonArray r = new JsonArray();
            for (int v : row) {
                r.add(v);
            }
            cm.add(r);
        }
        o.add("confusion", cm);
        return o;
    }

    /** A human-readable report of a test set: totals, per-class errors and the confusion matrix. */
    public String format() {
        return format("test", null);
    }

    /**
     * A human-readable report: totals on the set called {@code set} (e.g. "validation"), per-class errors and the
     * confusion matrix, with class names when {@code classNames} is not {@code null}.
     */
    public String format(String set, List<String> classNames) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s errors: %d of %d (%.2f%% error, accuracy %.2f%%)%n", set, errors, examples,
                100 * errorRate(), 100 * accuracy()));
        sb.append("per-class errors:");
        for (int c = 0; c < classes(); c++) {
            sb.append(String.format(" %s:%d/%d", classNames == null ? Integer.toString(c) : classNames.get(c),
                    perClassErrors[c], perClassCount[c]));
        }
        if (classNames != null) {
            sb.append(String.format("%nclasses:"));
            for (int c = 0; c < classes(); c++) {
                sb.append(' ').append(c).append('=').append(classNames.get(c));
            }
        }
        sb.append(String.format("%nconfusion (rows = true class, columns = predicted):%n      "));
        for (int c = 0; c < classes(); c++) {
            sb.append(String.format("%6d", c));
        }
        sb.append('\n');
        for (int r = 0; r < classes(); r++) {
            sb.append(String.format("%6d", r));
            for (int c = 0; c < classes(); c++) {
                sb.append(String.format("%6d", confusion[r][c]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
