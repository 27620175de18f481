package org.distill4j.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compares a backend's float32 results with the float64 reference. A failure names the case (op,
 * shape, inputs), how many elements are off, and the worst one: its index (and row, column), the
 * expected and actual values, the difference and the tolerance with the rule it came from.
 */
final class Check {
    /** The largest {@code |difference| / tolerance} of passing checks per op, since the last {@link #resetMargins()}. */
    private static final Map<String, Double> MARGINS = new ConcurrentHashMap<>();

    private Check() {
    }

    static void resetMargins() {
        MARGINS.clear();
    }

    /** Per op, how much of its tolerance the worst passing element used (1 = at the limit). */
    static Map<String, Double> margins() {
        return new TreeMap<>(MARGINS);
    }

    private static void noteMargin(String what, double ratio) {
        if (ratio <= 1) {
            MARGINS.merge(what.split(" ", 2)[0], ratio, Math::max);
        }
    }

    /**
     * Every {@code actual[i]} within {@code tolerance[i]} of {@code expected[i]}. An expected NaN or
     * infinity must be matched exactly; an expected finite value that rounds to a float32 infinity
     * may also be matched by that infinity.
     *
     * @param what a description of the case: op, shape, inputs
     * @param rule the {@link Tolerances} rule the tolerances come from
     * @param cols the row length, to report the worst element as (row, col)
     */
    static void close(String what, String rule, int cols, double[] expected, double[] tolerance, float[] actual) {
        close(what, rule, cols, expected, tolerance, Reference.toDouble(actual));
    }

    /** As {@link #close(String, String, int, double[], double[], float[])}, for float64 results. */
    static void close(String what, String rule, int cols, double[] expected, double[] tolerance, double[] actual) {
        int bad = 0;
        int worst = -1;
        double worstRatio = 0;
        for (int i = 0; i < expected.length; i++) {
            double ratio = excess(expected[i], tolerance[i], actual[i]);
            noteMargin(what, ratio);
            if (ratio > 1) {
                bad++;
                if (ratio > worstRatio) {
                    worstRatio = ratio;
                    worst = i;
                }
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + expected.length + " elements outside tolerance; worst at "
                    + where(worst, cols) + ": expected " + expected[worst] + " but was " + actual[worst]
                    + ", |difference| " + (float) Math.abs(actual[worst] - expected[worst]) + " > tolerance "
                    + (float) tolerance[worst] + " (" + rule + ")");
        }
    }

    /** One value within tolerance, e.g. a loss. */
    static void close(String what, String rule, double expected, double tolerance, double actual) {
        double ratio = excess(expected, tolerance, actual);
        noteMargin(what, ratio);
        if (ratio > 1) {
            fail(what + ": expected " + expected + " but was " + actual + ", |difference| "
                    + (float) Math.abs(actual - expected) + " > tolerance " + (float) tolerance + " (" + rule + ")");
        }
    }

    /** Bit-for-bit equality (any NaN matches any NaN; {@code -0.0} differs from {@code 0.0}). */
    static void bits(String what, int cols, float[] expected, float[] actual) {
        int bad = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                if (first < 0) {
                    first = i;
                }
                bad++;
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + expected.length + " elements differ (exact op); first at "
                    + where(first, cols) + ": expected " + expected[first] + " but was " + actual[first]);
        }
    }

    /** Exact equality of the first {@code n} integers, e.g. argmax indices. */
    static void ints(String what, int[] expected, int[] actual, int n) {
        for (int i = 0; i < n; i++) {
            if (expected[i] != actual[i]) {
                fail(what + ": row " + i + ": expected index " + expected[i] + " but was " + actual[i] + " (exact op)");
            }
        }
    }

    /** How many tolerances {@code actual} is away from {@code expected}; above 1 is a failure. */
    private static double excess(double expected, double tolerance, double actual) {
        if (Double.isNaN(expected)) {
            return Double.isNaN(actual) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Double.isInfinite(expected)) {
            return actual == expected ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Float.isInfinite((float) expected) && actual == (float) expected) {
            return 0;
        }
        if (!Double.isFinite(actual)) {
            return Double.POSITIVE_INFINITY;
        }
        double difference = Math.abs(actual - expected);
        if (difference == 0) {
            return 0;
        }
        return tolerance > 0 ? difference / tolerance : Double.POSITIVE_INFINITY;
    }

    private static String where(int index, int cols) {
        return cols > 1 ? "index " + index + " (row " + index / cols + ", col " + index % cols + ")" : "index " + index;
    }
}
