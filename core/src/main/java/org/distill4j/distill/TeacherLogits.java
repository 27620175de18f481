package org.distill4j.distill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.distill4j.data.Dataset;
import org.distill4j.io.DataFormatException;
import org.distill4j.io.Npy;
import org.distill4j.io.NpyArray;
import org.distill4j.nn.Sequential;
import org.distill4j.train.ImageJitter;
import org.distill4j.train.Inference;
import org.distill4j.train.Probabilities;

/**
 * A teacher's logits for every example of a transfer set, row-major {@code [rows, classes]},
 * computed once and reused by every step (and every student). They come from one model, from
 * an ensemble, or from a {@code .npy} file made elsewhere.
 */
public final class TeacherLogits {
    /** How an ensemble's members are combined. */
    public enum Combine {
        /** Average of the members' probabilities at the distillation temperature (the paper's choice). */
        PROBABILITIES,
        /** Average of the members' logits. */
        LOGITS
    }

    /** Examples shifted at a time by {@link #computeShiftAveraged} (bounds its scratch memory). */
    private static final int SHIFT_CHUNK = 4096;

    private final float[] logits;
    private final int rows;
    private final int classes;

    private TeacherLogits(float[] logits, int rows, int classes) {
        this.logits = logits;
        this.rows = rows;
        this.classes = classes;
    }

    /**
     * Wraps {@code logits} ({@code rows x classes}, row-major), checking the size and that every
     * value is finite; the error names the first bad row and column.
     */
    public static TeacherLogits of(float[] logits, int rows, int classes) {
        if (rows < 1 || classes < 2 || (long) rows * classes != logits.length) {
            throw new IllegalArgumentException("teacher logits: expected " + rows + " x " + classes + " values, found "
                    + logits.length);
        }
        for (int i = 0; i < logits.length; i++) {
            if (!Float.isFinite(logits[i])) {
                throw new IllegalArgumentException("teacher logits: value " + logits[i] + " at row " + (i / classes)
                        + ", column " + (i % classes) + " is not finite");
            }
        }
        return new TeacherLogits(logits, rows, classes);
    }

    /** Runs {@code teacher} once over {@code transfer}. */
    public static TeacherLogits compute(Sequential teacher, Dataset transfer) {
        return of(Inference.logits(teacher, transfer, Inference.DEFAULT_BATCH), transfer.size(), teacher.outputSize());
    }

    /**
     * The teacher's soft targets at {@code temperature} averaged over every shift of each image by
     * up to {@code maxShift} pixels in each direction, the unshifted one included: the result is
     * {@code T * log(mean_s softmax(z_s / T))}, so {@code softmax(result / T)} is the mean of the
     * {@code (2 maxShift + 1)^2} shifted copies' distributions (an {@link #ensemble} of the copies'
     * logits, which are held at once: 25 x 60,000 x 10 floats for MNIST). The transfer set itself stays
     * unshifted; the targets carry what the teacher learned from translated images (it was
     * trained with jitter). With {@code maxShift == 0} this is {@link #compute}.
     *
     * @throws IllegalArgumentException if the transfer set's examples are not single-channel images
     */
    public static TeacherLogits computeShiftAveraged(Sequential teacher, Dataset transfer, int maxShift,
                                                     float temperature) {
        try {
            return computeShiftAveraged((examples, first) -> Inference.logits(teacher, examples, Inference.DEFAULT_BATCH), transfer,
                    maxShift, temperature);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A teacher as a function: its logits {@code [rows, classes]} for examples {@code first, first + 1, ...} of the transfer set (or shifted copies of them). */
    @FunctionalInterface
    public interface Scorer {
        float[] logits(Dataset examples, int first) throws IOException;
    }

    /**
     * {@link #computeShiftAveraged(Sequential, Dataset, int, float)} for any teacher, such as a model of another format
     * run on the shifted raw features.
     */
    public static TeacherLogits computeShiftAveraged(Scorer teacher, Dataset transfer, int maxShift, float temperature)
            throws IOException {
        if (maxShift < 0) {
            throw new IllegalArgumentException("maxShift must be >= 0, found " + maxShift);
        }
        if (!(temperature > 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0 and finite, found " + temperature);
        }
        Dataset.ImageShape image = transfer.imageShape().filter(s -> s.channels() == 1).orElseThrow(
                () -> new IllegalArgumentException("shift-averaged teacher targets need single-channel images; the"
                        + " transfer set's examples are " + transfer.imageShape().map(Object::toString).orElse("not images")));
        int height = image.height();
        int width = image.width();
        int f = transfer.featureCount();
        int n = transfer.size();
        if (maxShift == 0) {
            float[] z = teacher.logits(transfer, 0);
            return of(z, n, z.length / Math.max(n, 1));
        }
        int classes = -1;
        float[][] perShift = new float[(2 * maxShift + 1) * (2 * maxShift + 1)][];
        for (int start = 0; start < n; start += SHIFT_CHUNK) {
            int rows = Math.min(SHIFT_CHUNK, n - start);
            float[] original = new float[rows * f];
            float[] shifted = new float[rows * f];
            for (int r = 0; r < rows; r++) {
                transfer.features(start + r, original, r * f);
            }
            int[] unlabelled = new int[rows];
            Arrays.fill(unlabelled, -1);
            int s = 0;
            for (int dy = -maxShift; dy <= maxShift; dy++) {
                for (int dx = -maxShift; dx <= maxShift; dx++, s++) {
                    for (int r = 0; r < rows; r++) {
                        ImageJitter.shift(original, r * f, shifted, r * f, height, width, dy, dx);
                    }
                    float[] z = teacher.logits(new Dataset(shifted, f, unlabelled, transfer.classCount()), start);
                    if (classes < 0) {
                        classes = z.length / rows;
                    }
                    if (perShift[s] == null) {
                        perShift[s] = new float[Math.multiplyExact(n, classes)];
                    }
                    System.arraycopy(z, 0, perShift[s], start * classes, rows * classes);
                }
            }
        }
        List<TeacherLogits> copies = new ArrayList<>(perShift.length);
        for (float[] z : perShift) {
            copies.add(of(z, n, classes));
        }
        return ensemble(copies, Combine.PROBABILITIES, temperature);
    }

    /**
     * Combines several teachers' logits into one set whose softened distribution is the
     * ensemble's: with {@link Combine#PROBABILITIES} the result is {@code T * log(mean_k softmax(z_k / T))},
     * so {@code softmax(result / T)} is exactly the members' mean probability at {@code T}.
     */
    public static TeacherLogits ensemble(List<TeacherLogits> members, Combine combine, float temperature) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one teacher");
        }
        if (!(temperature > 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0 and finite, found " + temperature);
        }
        TeacherLogits first = members.get(0);
        for (TeacherLogits m : members) {
            if (m.rows != first.rows || m.classes != first.classes) {
                throw new IllegalArgumentException("ensemble members disagree: " + first.rows + "x" + first.classes
                        + " vs " + m.rows + "x" + m.classes);
            }
        }
        int rows = first.rows;
        int classes = first.classes;
        float[] out = new float[rows * classes];
        double[] mean = new double[classes];
        for (int r = 0; r < rows; r++) {
            Arrays.fill(mean, 0);
            for (TeacherLogits m : members) {
                int base = r * classes;
                if (combine == Combine.LOGITS) {
                    for (int c = 0; c < classes; c++) {
                        mean[c] += m.logits[base + c];
                    }
                } else {
                    double[] p = Probabilities.softmax(m.logits, base, classes, temperature);
                    for (int c = 0; c < classes; c++) {
                        mean[c] += p[c];
                    }
                }
            }
            for (int c = 0; c < classes; c++) {
                double avg = mean[c] / members.size();
                out[r * classes + c] = combine == Combine.LOGITS ? (float) avg
                        : (float) (temperature * Math.log(Math.max(avg, Double.MIN_NORMAL)));
            }
        }
        return of(out, rows, classes);
    }

    /** Writes the logits as a float32 {@code .npy} array {@code [rows, classes]} (atomically). */
    public void save(Path file) throws IOException {
        Npy.write(file, rows, classes, logits);
    }

    /**
     * Reads logits made by {@link #save} or by another framework (e.g. {@code numpy.save} of a
     * PyTorch model's outputs): a 2-D float {@code .npy} array, one row per transfer-set example,
     * every value finite. {@code expectedRows} and {@code expectedClasses} are checked here, so a
     * file made for another data set fails before any training starts.
     */
    public static TeacherLogits load(Path file, int expectedRows, int expectedClasses) throws IOException {
        NpyArray a = Npy.read(file);
        if (a.shape().length != 2) {
            throw new DataFormatException(file, "teacher logits must be a 2-D array [examples, classes], found shape "
                    + Arrays.toString(a.shape()));
        }
        if (a.rows() != expectedRows || a.cols() != expectedClasses) {
            throw DataFormatException.mismatch(file.toString(), "shape (examples, classes)",
                    "(" + a.rows() + ", " + a.cols() + ")", "(" + expectedRows + ", " + expectedClasses
                            + ") to match the transfer set and the student's outputs");
        }
        a.requireFinite();
        return of(a.data(), a.rows(), a.cols());
    }

    public int rows() {
        return rows;
    }

    public int classes() {
        return classes;
    }

    /** Copies row {@code i} into {@code dst[offset..offset+classes)}. */
    public void row(int i, float[] dst, int offset) {
        System.arraycopy(logits, i * classes, dst, offset, classes);
    }

    /** The rows at {@code indices}, in that order (for a transfer set made by selecting examples). */
    public TeacherLogits subset(int[] indices) {
        float[] out = new float[indices.length * classes];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= rows) {
                throw new IllegalArgumentException("row " + indices[i] + " is outside the " + rows + " teacher-logit rows");
            }
            System.arraycopy(logits, indices[i] * classes, out, i * classes, classes);
        }
        return new TeacherLogits(out, indices.length, classes);
    }

    /** A copy of all logits, row-major. */
    public float[] toArray() {
        return logits.clone();
    }

    /** Checks that these logits fit a transfer set of {@code size} examples and a student of {@code classes} outputs. */
    public void checkFits(int size, int studentClasses, String source) {
        if (rows != size) {
            throw new IllegalArgumentException(source + ": teacher logits have " + rows + " rows, the transfer set has "
                    + size + " examples");
        }
        if (classes != studentClasses) {
            throw new IllegalArgumentException(source + ": teacher logits have " + classes + " classes, the student has "
                    + studentClasses + " outputs");
        }
    }
}
