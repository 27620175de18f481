package org.distill4j.optim;

/**
 * The learning rate at a point of training, given as a fraction of the whole run
 * ({@code progress} in [0, 1)) so one schedule serves any epoch count.
 */
@FunctionalInterface
public interface LrSchedule {
    float rate(double progress);

    /** The same rate throughout. */
    static LrSchedule constant(float rate) {
        requirePositive(rate);
        return p -> rate;
    }

    /** {@code rate}, multiplied by {@code factor} after each {@code every} fraction of training (e.g. 0.3). */
    static LrSchedule step(float rate, double every, float factor) {
        requirePositive(rate);
        if (!(every > 0 && every <= 1) || !(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("step schedule needs 0 < every <= 1 and 0 < factor <= 1");
        }
        return p -> (float) (rate * Math.pow(factor, Math.floor(p / every)));
    }

    /** Cosine decay from {@code rate} to {@code rate * floor} over the run. */
    static LrSchedule cosine(float rate, float floor) {
        requirePositive(rate);
        return p -> (float) (rate * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * p))));
    }

    /** This schedule with a linear warm-up from near zero over the first {@code fraction} of training. */
    default LrSchedule withWarmup(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("warm-up fraction must be in [0, 1), found " + fraction);
        }
        LrSchedule base = this;
        return p -> fraction > 0 && p < fraction ? (float) (base.rate(p) * Math.min(1, (p + 1e-3) / fraction)) : base.rate(p);
    }

    private static void requirePositive(float rate) {
        if (!(rate > 0f) || Float.isInfinite(rate)) {
            throw new IllegalArgumentException("learning rate must be > 0 and finite, found " + rate);
        }
    }
}
