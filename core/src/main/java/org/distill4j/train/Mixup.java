package org.distill4j.train;

import java.util.SplittableRandom;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ChengBetaSampler;

/**
 * Mixup (Zhang et al. 2018) of a host batch: every row becomes {@code lambda * x_i + (1 - lambda) * x_partner(i)}
 * with one {@code lambda ~ Beta(alpha, alpha)} per batch and a random permutation of partners. The labels stay; the
 * objective weighs them with the partners' labels ({@link Batch#crossEntropy}).
 */
public final class Mixup {
    /** What was mixed: the batch's weight and each row's partner. */
    public record Mixing(float lambda, int[] partners) {
    }

    private final float alpha;

    public Mixup(float alpha) {
        if (!(alpha > 0f) || Float.isInfinite(alpha)) {
            throw new IllegalArgumentException("mixup alpha must be > 0 and finite, found " + alpha);
        }
        this.alpha = alpha;
    }

    /** Mixes {@code rows} rows of {@code featureCount} features of {@code x} in place. */
    public Mixing apply(float[] x, int rows, int featureCount, SplittableRandom random) {
        UniformRandomProvider source = random::nextLong;
        float lambda = (float) ChengBetaSampler.of(source, alpha, alpha).sample();
        int[] partners = new int[rows];
        for (int i = 0; i < rows; i++) {
            int j = random.nextInt(i + 1);
            partners[i] = partners[j];
            partners[j] = i;
        }
        float[] original = java.util.Arrays.copyOf(x, rows * featureCount);
        for (int i = 0; i < rows; i++) {
            int p = partners[i] * featureCount;
            for (int k = 0; k < featureCount; k++) {
                x[i * featureCount + k] = lambda * original[i * featureCount + k] + (1 - lambda) * original[p + k];
            }
        }
        return new Mixing(lambda, partners);
    }
}
