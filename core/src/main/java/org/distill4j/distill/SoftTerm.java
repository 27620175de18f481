package org.distill4j.distill;

/**
 * The soft term of the distillation loss: what the student matches of the teacher's outputs, by method.
 * {@link Kd} and {@link MatchLogits} run as fused backend ops; the later methods ({@link Dkd}, {@link Dist},
 * {@link StandardizedKd}) are evaluated in float64 on the host from the batch's logits, which are small
 * (rows x classes), by {@link HostSoftTerms}. Each is a batch mean, as its paper's reference code defines it.
 */
public sealed interface SoftTerm {
    /** The name {@code distill --method} takes. */
    String name();

    /** The term as a formula, for logs and run configs. */
    String formula(float temperature);

    /**
     * The weight of this term in the total loss given the hard-label weight {@code alpha}, at {@code epoch}
     * (0-based): {@code 1 - alpha}, except where the method has its own weights.
     */
    default double weight(float alpha, int epoch) {
        return 1.0 - alpha;
    }

    /** Hinton et al. 2015: {@code T^2 * KL(softmax(z_t/T) || softmax(z_s/T))}. */
    record Kd() implements SoftTerm {
        @Override
        public String name() {
            return "kd";
        }

        @Override
        public String formula(float t) {
            return String.format("T^2 * KL(teacher_T || student_T), T = %g", t);
        }
    }

    /** Matching logits, the high-temperature limit of {@link Kd}: {@code (1/2N) sum (z_s - z_t)^2}. */
    record MatchLogits() implements SoftTerm {
        @Override
        public String name() {
            return "logits";
        }

        @Override
        public String formula(float t) {
            return "MSE(logits)";
        }
    }

    /**
     * Decoupled KD (Zhao et al., CVPR 2022): {@code T^2 * (targetWeight * TCKD + nonTargetWeight * NCKD)}, where
     * TCKD is the KL divergence of the binary target/other distributions and NCKD that of the distributions
     * over the non-target classes. The target is the label, or the teacher's top class for an unlabelled
     * example. Its weight in the total is its own, ramped linearly over {@code warmupEpochs} epochs
     * ({@code min((epoch + 1) / warmup, 1)}, as mdistiller does), not {@code 1 - alpha}.
     */
    record Dkd(float targetWeight, float nonTargetWeight, int warmupEpochs) implements SoftTerm {
        public Dkd {
            requireWeight("DKD target weight (--dkd-alpha)", targetWeight);
            requireWeight("DKD non-target weight (--dkd-beta)", nonTargetWeight);
            if (warmupEpochs < 0) {
                throw new IllegalArgumentException("DKD warm-up (--dkd-warmup) must be >= 0 epochs, found " + warmupEpochs);
            }
        }

        @Override
        public String name() {
            return "dkd";
        }

        @Override
        public String formula(float t) {
            return String.format("T^2 * (%g * TCKD + %g * NCKD), T = %g, warm-up %d epochs", targetWeight, nonTargetWeight, t, warmupEpochs);
        }

        @Override
        public double weight(float alpha, int epoch) {
            return warmupEpochs == 0 ? 1.0 : Math.min((epoch + 1.0) / warmupEpochs, 1.0);
        }
    }

    /**
     * DIST (Huang et al., NeurIPS 2022): {@code T^2 * (interWeight * (1 - mean row Pearson correlation) +
     * intraWeight * (1 - mean column Pearson correlation))} of the softened student and teacher outputs.
     */
    record Dist(float interWeight, float intraWeight) implements SoftTerm {
        public Dist {
            requireWeight("DIST inter-class weight (--dist-beta)", interWeight);
            requireWeight("DIST intra-class weight (--dist-gamma)", intraWeight);
        }

        @Override
        public String name() {
            return "dist";
        }

        @Override
        public String formula(float t) {
            return String.format("T^2 * (%g * inter-class + %g * intra-class Pearson relation), T = %g", interWeight, intraWeight, t);
        }
    }

    /**
     * KD with logit standardisation (Sun et al., CVPR 2024): {@link Kd} on logits z-scored per row,
     * {@code (z - mean) / (1e-7 + std)} with the unbiased standard deviation.
     */
    record StandardizedKd() implements SoftTerm {
        @Override
        public String name() {
            return "kd-ls";
        }

        @Override
        public String formula(float t) {
            return String.format("T^2 * KL(teacher_T || student_T) of per-row z-scored logits, T = %g", t);
        }
    }

    private static void requireWeight(String what, float w) {
        if (!(w >= 0f) || Float.isInfinite(w)) {
            throw new IllegalArgumentException(what + " must be >= 0 and finite, found " + w);
        }
    }
}
