package org.distill4j.distill;

/** Row-wise helpers for the tests' float64 references over row-major {@code rows x classes} logits. */
final class Rows {
    private Rows() {
    }

    static double[] softmax(double[] z, int base, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, z[base + j]);
        }
        double[] p = new double[n];
        double sum = 0;
        for (int j = 0; j < n; j++) {
            p[j] = Math.exp(z[base + j] - max);
            sum += p[j];
        }
        for (int j = 0; j < n; j++) {
            p[j] /= sum;
        }
        return p;
    }

    static int argmax(double[] z, int base, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (z[base + j] > z[base + best]) {
                best = j;
            }
        }
        return best;
    }

    static double[] doubles(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }
}
