package org.distill4j.conformance;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic test inputs: random matrices, and the adversarial logit rows the softmax family must
 * survive. Each case seeds its own generator from its name, so a failing case reproduces alone.
 */
final class Inputs {
    /** Sizes around the 16-float vector width and 64-element tiles, and tiny ones. */
    static final int[] SIZES = {1, 3, 15, 16, 17, 31, 33, 64, 65, 130};

    /** Temperatures every softmax-family op is checked at. */
    static final float[] TEMPERATURES = {0.5f, 1f, 2f, 3f, 4f, 20f, 100f};

    /** {@code rows x cols} shapes for row-wise ops: batch of 1, odd widths, a wide row, a tall batch. */
    static final List<int[]> ROW_SHAPES = List.of(
            new int[] {1, 1}, new int[] {1, 17}, new int[] {3, 15}, new int[] {4, 130},
            new int[] {17, 33}, new int[] {65, 10}, new int[] {2, 64}, new int[] {5, 31});

    private Inputs() {
    }

    static SplittableRandom random(String caseName) {
        return new SplittableRandom(caseName.hashCode() * 0x9E3779B97F4A7C15L + 12345);
    }

    static String shape(int... dims) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "x").append(dims[i]);
        }
        return sb.append(']').toString();
    }

    static float[] uniform(SplittableRandom r, int n, double lo, double hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return x;
    }

    static float[] gaussian(SplittableRandom r, int n, double sigma) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (sigma * gaussian(r));
        }
        return x;
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /** A kind of logit row; {@link #MIXED} batches cycle through all the adversarial ones. */
    enum Logits {
        RANDOM("random logits (sigma 3)"),
        LARGE("large logits (uniform +-1e4)"),
        MIXED("adversarial rows: dominant, equal, -1e30 / -Float.MAX_VALUE, -inf entries, all -inf");

        final String description;

        Logits(String description) {
            this.description = description;
        }

        /** A {@code rows x cols} batch of this kind. */
        float[] batch(SplittableRandom r, int rows, int cols) {
            return batch(r, rows, cols, ADVERSARIAL_ROWS);
        }

        /**
         * A batch for the losses: without the rows of all {@code -Float.MAX_VALUE}, whose
         * log-probabilities float32 can only give to within {@code U * Float.MAX_VALUE} (a loss
         * summed over such a row would have no meaningful tolerance).
         */
        float[] lossBatch(SplittableRandom r, int rows, int cols) {
            return batch(r, rows, cols, ADVERSARIAL_ROWS - 1);
        }

        private float[] batch(SplittableRandom r, int rows, int cols, int adversarialKinds) {
            float[] x = new float[rows * cols];
            for (int i = 0; i < rows; i++) {
                float[] row = switch (this) {
                    case RANDOM -> gaussian(r, cols, 3);
                    case LARGE -> uniform(r, cols, -1e4, 1e4);
                    case MIXED -> adversarialRow(r, cols, i % adversarialKinds);
                };
                System.arraycopy(row, 0, x, i * cols, cols);
            }
            return x;
        }
    }

    /** How many different rows {@link #adversarialRow} makes. */
    static final int ADVERSARIAL_ROWS = 8;

    /**
     * Row {@code kind} (0 to 7) of the adversarial set: one dominant value (+50), one dominant value
     * of 1e4 over -1e4, equal values, very negative entries (-1e30, -Float.MAX_VALUE) beside ordinary
     * ones, {@code -inf} entries beside ordinary ones, all {@code -inf} (expected uniform), random
     * values of 1e3, and all {@code -Float.MAX_VALUE} (uniform too; {@code z/T} may overflow to
     * {@code -inf} in float32).
     */
    static float[] adversarialRow(SplittableRandom r, int cols, int kind) {
        float[] row = gaussian(r, cols, 1);
        int hot = r.nextInt(cols);
        switch (kind) {
            case 0 -> row[hot] = 50;
            case 1 -> {
                java.util.Arrays.fill(row, -1e4f);
                row[hot] = 1e4f;
            }
            case 2 -> java.util.Arrays.fill(row, (float) (1e3 * r.nextDouble()));
            case 3 -> {
                for (int j = 0; j < cols; j++) {
                    if (j != hot) {
                        row[j] = j % 2 == 0 ? -1e30f : -Float.MAX_VALUE;
                    }
                }
            }
            case 4 -> {
                for (int j = 0; j < cols; j++) {
                    if (j != hot && r.nextInt(3) > 0) {
                        row[j] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
            case 5 -> java.util.Arrays.fill(row, Float.NEGATIVE_INFINITY);
            case 6 -> row = uniform(r, cols, -1e3, 1e3);
            default -> java.util.Arrays.fill(row, -Float.MAX_VALUE);
        }
        return row;
    }
}
