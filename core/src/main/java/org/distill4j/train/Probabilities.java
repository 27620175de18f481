package org.distill4j.train;

/** Softened class probabilities of logits on the host, in float64: for reports, ensembles and apps. */
public final class Probabilities {
    private Probabilities() {
    }

    /** {@code softmax(z / T)} of {@code z[offset .. offset+classes)}, stable for large logits. */
    public static double[] softmax(float[] z, int offset, int classes, double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0 and finite, found " + temperature);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, z[offset + c] / temperature);
        }
        double[] p = new double[classes];
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            p[c] = Math.exp(z[offset + c] / temperature - max);
            sum += p[c];
        }
        for (int c = 0; c < classes; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /** {@code softmax(z / T)} of all of {@code z}. */
    public static double[] softmax(float[] z, double temperature) {
        return softmax(z, 0, z.length, temperature);
    }
}
