package org.distill4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.io.DataFormatException;
import org.distill4j.io.Npy;
import org.distill4j.io.NpyArray;

/**
 * Reads a file of labels for features stored without them ({@code .npy} arrays, IDX images), one label per row,
 * as text for {@link ClassIndex} to map to classes. The format is told by the content, not the name:
 * <ul>
 * <li>a {@code .npy} array of shape {@code (N,)} or {@code (N, 1)}, of integers or of floats that are whole
 *     numbers, each written as a decimal integer; {@code -1} marks an unlabelled row (as in scikit-learn's
 *     semi-supervised estimators), other negative numbers are errors;
 * <li>an IDX labels file ({@code 0x00000801}), raw or gzip-compressed;
 * <li>otherwise UTF-8 text with one label per line, trimmed, where an empty line is an unlabelled row and a final
 *     line break adds no row.
 * </ul>
 */
public final class LabelFile {
    private LabelFile() {
    }

    /**
     * Labels as read, one per row.
     *
     * @param unit how rows are named in messages: {@code "line"} (1-based) for text, {@code "index"} (0-based) for arrays
     */
    public record RawLabels(String source, List<String> labels, String unit) {
        public RawLabels {
            labels = List.copyOf(labels);
            if (!unit.equals("line") && !unit.equals("index")) {
                throw new IllegalArgumentException("unit must be \"line\" or \"index\", found \"" + unit + "\"");
            }
        }

        /** The number of labels. */
        public int size() {
            return labels.size();
        }

        /** {@code "line 3"} or {@code "index 2"}: row {@code i} as messages name it. */
        public String where(int i) {
            return unit.equals("line") ? "line " + (i + 1) : "index " + i;
        }
    }

    /** Reads the labels in {@code file}. */
    public static RawLabels read(Path file) throws IOException {
        return switch (FileKind.of(file)) {
            case NPY -> npy(file);
            case IDX -> idx(file);
            case TEXT -> text(file);
        };
    }

    private static RawLabels npy(Path file) throws IOException {
        NpyArray a = Npy.read(file);
        int[] shape = a.shape();
        if (shape.length > 2 || (shape.length == 2 && shape[1] != 1)) {
            throw DataFormatException.mismatch(a.source(), "shape", Npy.shapeString(shape), "(N,) or (N, 1): one label per row");
        }
        List<String> labels = new ArrayList<>(a.data().length);
        for (int i = 0; i < a.data().length; i++) {
            float v = a.data()[i];
            if (!Float.isFinite(v) || v != Math.rint(v) || v < -1) {
                throw new DataFormatException(a.source(), "index " + i + ": label " + v + " ('" + a.descr()
                        + "'), expected a whole number >= 0 (or -1 for unlabelled)");
            }
            labels.add(v == -1 ? "" : Long.toString((long) v));
        }
        return nonEmpty(new RawLabels(a.source(), labels, "index"));
    }

    private static RawLabels idx(Path file) throws IOException {
        int[] values = IdxReader.readLabels(file, 256);
        List<String> labels = new ArrayList<>(values.length);
        for (int v : values) {
            labels.add(Integer.toString(v));
        }
        return nonEmpty(new RawLabels(file.toString(), labels, "index"));
    }

    private static RawLabels text(Path file) throws IOException {
        List<String> labels = new ArrayList<>();
        try (CsvText.Lines in = new CsvText.Lines(file)) {
            for (String line; (line = in.next()) != null; ) {
                labels.add(line.strip());
            }
        }
        return nonEmpty(new RawLabels(file.toString(), labels, "line"));
    }

    private static RawLabels nonEmpty(RawLabels labels) throws DataFormatException {
        if (labels.size() == 0) {
            throw new DataFormatException(labels.source(), "holds no labels, expected one per row of the features");
        }
        return labels;
    }
}
