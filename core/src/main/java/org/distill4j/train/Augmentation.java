package org.distill4j.train;

import java.util.SplittableRandom;

/** A host-side change to a batch of feature rows before it is uploaded, such as image jitter. */
@FunctionalInterface
public interface Augmentation {
    /** Changes {@code rows} rows of {@code featureCount} features in {@code batch}, in place. */
    void apply(float[] batch, int rows, int featureCount, SplittableRandom random);
}
