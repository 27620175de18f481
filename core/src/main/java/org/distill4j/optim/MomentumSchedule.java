package org.distill4j.optim;

/** The momentum (or Adam's beta1) at a point of training, {@code progress} in [0, 1). */
@FunctionalInterface
public interface MomentumSchedule {
    float momentum(double progress);

    static MomentumSchedule constant(float m) {
        check(m);
        return p -> m;
    }

    /** A linear ramp from {@code from} to {@code to} over the first {@code fraction} of training, then {@code to}. */
    static MomentumSchedule ramp(float from, float to, double fraction) {
        check(from);
        check(to);
        return p -> fraction <= 0 || p >= fraction ? to : (float) (from + (to - from) * p / fraction);
    }

    private static void check(float m) {
        if (!(m >= 0f && m < 1f)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), found " + m);
        }
    }
}
