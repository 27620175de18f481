package org.distill4j.engine;

import java.util.SplittableRandom;
import org.distill4j.data.Dataset;

/**
 * A small classification problem made in the test: points drawn around class centres in a
 * random low-dimensional subspace, then lifted into more features with a fixed random
 * nonlinearity, with overlapping classes so a small model trained alone overfits.
 */
public final class SyntheticData {
    private final int features;
    private final int classes;
    private final double[][] centres;
    private final double[][] lift;
    private final double noise;

    public SyntheticData(long seed, int latent, int features, int classes, double noise) {
        SplittableRandom r = new SplittableRandom(seed);
        this.features = features;
        this.classes = classes;
        this.noise = noise;
        this.centres = new double[classes][latent];
        for (double[] c : centres) {
            for (int i = 0; i < latent; i++) {
                c[i] = r.nextGaussian();
            }
        }
        this.lift = new double[features][latent];
        for (double[] row : lift) {
            for (int i = 0; i < latent; i++) {
                row[i] = r.nextGaussian() / Math.sqrt(latent);
            }
        }
    }

    /** {@code n} examples with labels, drawn with {@code seed}. */
    public Dataset sample(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int latent = centres[0].length;
        float[] x = new float[n * features];
        int[] y = new int[n];
        double[] z = new double[latent];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(classes);
            y[i] = c;
            for (int k = 0; k < latent; k++) {
                z[k] = centres[c][k] + noise * r.nextGaussian();
            }
            for (int j = 0; j < features; j++) {
                double s = 0;
                for (int k = 0; k < latent; k++) {
                    s += lift[j][k] * z[k];
                }
                x[i * features + j] = (float) Math.tanh(2 * s);
            }
        }
        return new Dataset(x, features, y, classes);
    }
}
