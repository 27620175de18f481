package org.distill4j.distill;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.distill4j.backend.Backend;
import org.distill4j.data.DataFiles;
import org.distill4j.data.Dataset;
import org.distill4j.data.RowIds;
import org.distill4j.io.DataFormatException;
import org.distill4j.io.ModelFile;
import org.distill4j.io.ModelSchema;
import org.distill4j.io.Npy;
import org.distill4j.io.NpyArray;

/**
 * Where a teacher's outputs over a transfer set come from: distill4j model files (one, or an ensemble), or a
 * {@code .npy} of logits or of probabilities written by another framework. Every source gives
 * {@link TeacherLogits} aligned with the transfer examples it covers.
 *
 * <p>Imported files refer to rows of the transfer <em>file</em>: row {@code i} of the array belongs to file row
 * {@code i}, or, with a row-id file, to the file row given on its line {@code i} (for a teacher that wrote a subset
 * or a shuffled order). Transfer examples the teacher did not cover are left out of the transfer set, and the
 * report says how many. Columns are classes in the order of the class index (sorted label names, as
 * scikit-learn's {@code classes_}).
 */
public sealed interface TeacherSource {
    /**
     * The transfer set as the student sees it, with raw (not yet preprocessed) features.
     *
     * @param data         the transfer examples
     * @param fileRows     for each example, its row in the file it came from (a validation split leaves gaps)
     * @param fileRowCount the number of rows of that file
     */
    record Transfer(Dataset data, int[] fileRows, int fileRowCount) {
        public Transfer {
            if (fileRows.length != data.size()) {
                throw new IllegalArgumentException(fileRows.length + " file rows for " + data.size() + " transfer examples");
            }
            for (int r : fileRows) {
                if (r < 0 || r >= fileRowCount) {
                    throw new IllegalArgumentException("file row " + r + " outside 0.." + (fileRowCount - 1));
                }
            }
        }

        /** A transfer set that is a whole file, in order. */
        public static Transfer whole(Dataset data) {
            int[] rows = new int[data.size()];
            Arrays.setAll(rows, i -> i);
            return new Transfer(data, rows, data.size());
        }
    }

    /**
     * Teacher outputs for the transfer examples at {@code examples} (ascending indices into the transfer set; all of
     * them unless the teacher covered only some), and a line for the user about what was done.
     */
    record Aligned(TeacherLogits logits, int[] examples, String report) {
        /** Whether every transfer example is covered, in order. */
        public boolean coversAll(int transferSize) {
            return examples.length == transferSize;
        }
    }

    /** The teacher's logits over {@code transfer}, at the distillation {@code temperature} where that matters. */
    Aligned logits(Backend backend, Transfer transfer, float temperature) throws IOException;

    /**
     * Model files, run over the transfer set after each applies its own saved preprocessing; several are an
     * ensemble combined by {@code combine}; {@code shifts > 0} averages each teacher's soft targets over shifted
     * copies of each image ({@link TeacherLogits#computeShiftAveraged}): a distill4j model's preprocessed inputs are
     * shifted, a {@link TeacherModel}'s raw features.
     */
    record Models(List<Path> files, TeacherLogits.Combine combine, int shifts, Map<String, String> readerOptions)
            implements TeacherSource {
        public Models {
            files = List.copyOf(files);
            readerOptions = Map.copyOf(readerOptions);
            if (files.isEmpty()) {
                throw new IllegalArgumentException("a teacher needs at least one model file");
            }
            if (shifts < 0) {
                throw new IllegalArgumentException("teacher shifts must be >= 0, found " + shifts);
            }
        }

        /** Model files of distill4j only, or readable by a {@link TeacherModelReader} with its default options. */
        public Models(List<Path> files, TeacherLogits.Combine combine, int shifts) {
            this(files, combine, shifts, Map.of());
        }

        @Override
        public Aligned logits(Backend backend, Transfer transfer, float temperature) throws IOException {
            Dataset raw = transfer.data();
            List<TeacherLogits> members = new ArrayList<>();
            StringBuilder report = new StringBuilder();
            for (Path file : files) {
                if (TeacherModels.isForeign(file)) {
                    members.add(foreign(file, raw, temperature, report));
                    continue;
                }
                try (ModelFile.Saved teacher = ModelFile.read(backend, file)) {
                    checkInputs(teacher.schema(), raw, file);
                    Dataset inputs = teacher.schema().preprocessing().apply(raw);
                    long start = System.nanoTime();
                    TeacherLogits l = shifts > 0
                            ? TeacherLogits.computeShiftAveraged(teacher.model(), inputs, shifts, temperature)
                            : TeacherLogits.compute(teacher.model(), inputs);
                    report.append(String.format("teacher %s: %s over %d examples in %.1f s%n", file, shifts > 0
                                    ? "soft targets averaged over " + (2 * shifts + 1) * (2 * shifts + 1) + " shifts" : "logits",
                            raw.size(), (System.nanoTime() - start) / 1e9));
                    members.add(l);
                }
            }
            TeacherLogits logits = members.size() == 1 ? members.get(0) : TeacherLogits.ensemble(members, combine, temperature);
            int[] all = new int[raw.size()];
            Arrays.setAll(all, i -> i);
            return new Aligned(logits, all, report.toString().stripTrailing());
        }

        private TeacherLogits foreign(Path file, Dataset raw, float temperature, StringBuilder report) throws IOException {
            long start = System.nanoTime();
            try (TeacherModel model = TeacherModels.open(file, readerOptions)) {
                if (shifts > 0) {
                    model.checkInput(raw.featureCount());
                    TeacherLogits l = TeacherLogits.computeShiftAveraged((x, first) -> TeacherModels.logits(model, file, x, first).logits(), raw,
                            shifts, temperature);
                    report.append(String.format("teacher %s: %s; soft targets averaged over %d shifts of the raw images, in %.1f s%n",
                            file, model.describe(), (2 * shifts + 1) * (2 * shifts + 1), (System.nanoTime() - start) / 1e9));
                    return l;
                }
                ProbabilityLogits.Converted c = TeacherModels.logits(model, file, raw);
                report.append(String.format("teacher %s: %s; %s, in %.1f s%n", file, model.describe(), c.report(),
                        (System.nanoTime() - start) / 1e9));
                return TeacherLogits.of(c.logits(), c.rows(), c.classes());
            }
        }

        private static void checkInputs(ModelSchema schema, Dataset data, Path file) {
            if (schema.preprocessing().featureCount() != data.featureCount()) {
                throw new IllegalArgumentException("teacher " + file + " takes " + schema.preprocessing().featureCount()
                        + " features, the transfer set has " + data.featureCount());
            }
            List<String> names = data.featureNames().orElse(null);
            if (schema.featureNames() != null && names != null && !schema.featureNames().equals(names)) {
                throw new IllegalArgumentException("teacher " + file + " was trained on features " + DataFiles.abbreviate(schema.featureNames())
                        + ", the transfer set has " + DataFiles.abbreviate(names));
            }
        }
    }

    /** A {@code .npy} of logits {@code [rows, classes]}, with an optional row-id file. */
    record ImportedLogits(Path file, Path rowIds) implements TeacherSource {
        @Override
        public Aligned logits(Backend backend, Transfer transfer, float temperature) throws IOException {
            NpyArray a = readMatrix(file, "teacher logits", transfer);
            a.requireFinite();
            return align(file, rowIds, a, a.data(), transfer, "teacher logits " + file);
        }
    }

    /**
     * A {@code .npy} of probabilities {@code [rows, classes]} (for example scikit-learn's {@code predict_proba}),
     * turned into logits {@code log(p)}, so {@code softmax(logits / T)} is {@code p^(1/T)} renormalised: at
     * {@code T = 1} the teacher's own distribution. Rows that do not sum to 1 are renormalised and zeros are raised
     * to {@link #FLOOR} before the logarithm; the report counts both. A negative or non-finite value, or a row of
     * zeros, is an error naming its row.
     */
    record ImportedProbabilities(Path file, Path rowIds) implements TeacherSource {
        /** The smallest probability used: zeros become this before the logarithm (and the row is renormalised). */
        public static final float FLOOR = ProbabilityLogits.FLOOR;
        /** How far a row's sum may be from 1 before it is reported as renormalised. */
        public static final double SUM_TOLERANCE = ProbabilityLogits.SUM_TOLERANCE;

        @Override
        public Aligned logits(Backend backend, Transfer transfer, float temperature) throws IOException {
            NpyArray a = readMatrix(file, "teacher probabilities", transfer);
            ProbabilityLogits.Converted c = ProbabilityLogits.convert(file, a.data(), a.rows(), a.cols());
            return align(file, rowIds, a, c.logits(), transfer, "teacher probabilities " + file + ": " + c.report());
        }
    }

    private static NpyArray readMatrix(Path file, String what, Transfer transfer) throws IOException {
        NpyArray a = Npy.read(file);
        if (a.shape().length != 2 || a.cols() < 2) {
            throw new DataFormatException(file, what + " must be a 2-D array [examples, classes >= 2], found shape "
                    + Arrays.toString(a.shape()));
        }
        if (a.cols() != transfer.data().classCount()) {
            throw DataFormatException.mismatch(file.toString(), "class count (columns)", a.cols(),
                    transfer.data().classCount() + " (the classes of the training labels)");
        }
        return a;
    }

    /** Matches the array's rows to transfer examples through the row ids (or row order) and the examples' file rows. */
    private static Aligned align(Path file, Path rowIdsFile, NpyArray a, float[] values, Transfer transfer, String report)
            throws IOException {
        int rows = a.rows();
        int classes = a.cols();
        int[] fileRowOfTeacherRow;
        if (rowIdsFile != null) {
            fileRowOfTeacherRow = RowIds.read(rowIdsFile, transfer.fileRowCount());
            if (fileRowOfTeacherRow.length != rows) {
                throw DataFormatException.mismatch(rowIdsFile.toString(), "row id count", fileRowOfTeacherRow.length,
                        rows + " (the rows of " + file + ")");
            }
        } else {
            if (rows != transfer.fileRowCount()) {
                throw DataFormatException.mismatch(file.toString(), "row count", rows, transfer.fileRowCount()
                        + " (the rows of the transfer file; give a row-id file when the teacher wrote a subset or another order)");
            }
            fileRowOfTeacherRow = new int[rows];
            Arrays.setAll(fileRowOfTeacherRow, i -> i);
        }
        int[] teacherRowOfFileRow = new int[transfer.fileRowCount()];
        Arrays.fill(teacherRowOfFileRow, -1);
        for (int t = 0; t < rows; t++) {
            teacherRowOfFileRow[fileRowOfTeacherRow[t]] = t;
        }
        int[] examples = new int[transfer.data().size()];
        int[] teacherRows = new int[examples.length];
        int n = 0;
        for (int k = 0; k < examples.length; k++) {
            int t = teacherRowOfFileRow[transfer.fileRows()[k]];
            if (t >= 0) {
                examples[n] = k;
                teacherRows[n++] = t;
            }
        }
        if (n == 0) {
            throw new DataFormatException(file, "covers none of the " + examples.length + " transfer examples");
        }
        TeacherLogits all = TeacherLogits.of(values, rows, classes);
        TeacherLogits aligned = all.subset(Arrays.copyOf(teacherRows, n));
        if (n < examples.length) {
            report += "; covers " + n + " of " + examples.length + " transfer examples, the other " + (examples.length - n)
                    + " are left out of the transfer set";
        }
        return new Aligned(aligned, Arrays.copyOf(examples, n), report);
    }
}
