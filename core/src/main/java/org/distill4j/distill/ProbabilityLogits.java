package org.distill4j.distill;

import java.nio.file.Path;
import org.distill4j.io.DataFormatException;

/**
 * Probabilities from another framework as logits {@code log(p)}, so {@code softmax(logits / T)} is {@code p^(1/T)}
 * renormalised: at {@code T = 1} the teacher's own distribution. Rows that do not sum to 1 are renormalised and zeros
 * are raised to {@link #FLOOR} before the logarithm; the report counts both. A negative or non-finite value, or a row
 * of zeros, is an error naming its row.
 */
public final class ProbabilityLogits {
    /** The smallest probability used: zeros become this before the logarithm (and the row is renormalised). */
    public static final float FLOOR = 1e-6f;
    /** How far a row's sum may be from 1 before it is reported as renormalised. */
    public static final double SUM_TOLERANCE = 1e-3;

    /** Logits {@code [rows, classes]} and a line for the user about what was done. */
    public record Converted(float[] logits, int classes, String report) {
        public int rows() {
            return logits.length / classes;
        }
    }

    private ProbabilityLogits() {
    }

    /** The logits of probabilities {@code p [rows, classes]} that {@code file} gave. */
    public static Converted convert(Path file, float[] p, int rows, int classes) throws DataFormatException {
        float[] logits = new float[p.length];
        int renormalised = 0;
        int withZeros = 0;
        double worst = 0;
        int worstRow = -1;
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            boolean zero = false;
            for (int c = 0; c < classes; c++) {
                float v = p[r * classes + c];
                if (!Float.isFinite(v) || v < 0) {
                    throw new DataFormatException(file, "row " + r + ", column " + c + ": probability " + v
                            + ", expected a finite value >= 0");
                }
                sum += v;
            }
            if (sum <= 0) {
                throw new DataFormatException(file, "row " + r + ": every probability is 0");
            }
            if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                renormalised++;
                if (Math.abs(sum - 1) > worst) {
                    worst = Math.abs(sum - 1);
                    worstRow = r;
                }
            }
            double floored = 0;
            for (int c = 0; c < classes; c++) {
                double q = p[r * classes + c] / sum;
                if (q < FLOOR) {
                    zero = true;
                    q = FLOOR;
                }
                floored += q;
                logits[r * classes + c] = (float) q;
            }
            for (int c = 0; c < classes; c++) {
                logits[r * classes + c] = (float) Math.log(logits[r * classes + c] / floored);
            }
            if (zero) {
                withZeros++;
            }
        }
        StringBuilder report = new StringBuilder(rows + " rows of probabilities");
        if (renormalised > 0) {
            report.append(String.format("; %d rows did not sum to 1 and were renormalised (furthest: row %d, off by %.3g)",
                    renormalised, worstRow, worst));
        }
        if (withZeros > 0) {
            report.append("; ").append(withZeros).append(" rows had probabilities below ").append(FLOOR)
                    .append(", raised to it before the logarithm (at high temperatures they weigh more than they did)");
        }
        return new Converted(logits, classes, report.toString());
    }
}
