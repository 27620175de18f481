package org.distill4j.distill;

/**
 * The distillation objective's settings. With {@link Mode#SOFT_TARGETS} the student minimises
 * {@code alpha * CE(labels, softmax(z_s)) + (1 - alpha) * T^2 * KL(softmax(z_t/T) || softmax(z_s/T))};
 * with {@link Mode#MATCH_LOGITS} the second term is {@code (1/2N) sum (z_s - z_t)^2}, the
 * high-temperature limit. Both terms are means over the batch.
 *
 * @param temperature {@code T > 0}, finite
 * @param alpha       weight of the hard-label term, in [0, 1]
 */
public record DistillConfig(float temperature, float alpha, Mode mode) {
    /** Which soft term the student matches. */
    public enum Mode { SOFT_TARGETS, MATCH_LOGITS }

    public DistillConfig {
        if (!(temperature > 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0 and finite, found " + temperature
                    + " (the paper uses 20 for MNIST; 1 means no softening)");
        }
        if (!(alpha >= 0f && alpha <= 1f)) {
            throw new IllegalArgumentException("alpha (weight of the hard-label loss) must be in [0, 1], found " + alpha);
        }
        if (mode == null) {
            throw new IllegalArgumentException("distillation mode must be set");
        }
    }

    public static DistillConfig softTargets(float temperature, float alpha) {
        return new DistillConfig(temperature, alpha, Mode.SOFT_TARGETS);
    }

    public static DistillConfig matchLogits(float alpha) {
        return new DistillConfig(1f, alpha, Mode.MATCH_LOGITS);
    }
}
