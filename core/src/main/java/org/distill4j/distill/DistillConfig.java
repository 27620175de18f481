package org.distill4j.distill;

/**
 * The distillation objective's settings: the student minimises
 * {@code alpha * CE(labels, softmax(z_s)) + w * soft}, where {@code soft} is the {@link SoftTerm} of the chosen
 * method and {@code w} its weight ({@code 1 - alpha} unless the method has its own, see
 * {@link SoftTerm#weight}). With {@link SoftTerm.Kd}, the paper's method, {@code soft} is
 * {@code T^2 * KL(softmax(z_t/T) || softmax(z_s/T))}. Both terms are means over the batch.
 *
 * @param temperature {@code T > 0}, finite (unused by {@link SoftTerm.MatchLogits})
 * @param alpha       weight of the hard-label term, in [0, 1]
 * @param softTerm    what the student matches of the teacher
 */
public record DistillConfig(float temperature, float alpha, SoftTerm softTerm) {
    public DistillConfig {
        if (!(temperature > 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0 and finite, found " + temperature
                    + " (the paper uses 20 for MNIST; 1 means no softening)");
        }
        if (!(alpha >= 0f && alpha <= 1f)) {
            throw new IllegalArgumentException("alpha (weight of the hard-label loss) must be in [0, 1], found " + alpha);
        }
        if (softTerm == null) {
            throw new IllegalArgumentException("distillation method must be set");
        }
    }

    /** The paper's method: soft targets at {@code temperature}. */
    public static DistillConfig softTargets(float temperature, float alpha) {
        return new DistillConfig(temperature, alpha, new SoftTerm.Kd());
    }

    public static DistillConfig matchLogits(float alpha) {
        return new DistillConfig(1f, alpha, new SoftTerm.MatchLogits());
    }
}
