package org.distill4j.train;

import org.distill4j.backend.Tensor;
import org.distill4j.nn.Pass;

/** Plain supervised training: cross-entropy against the hard labels (the student-alone baseline), mixed ones included. */
public final class HardLabelObjective implements Objective {
    @Override
    public LossTerms compute(Tensor logits, Batch batch, Tensor grad, Pass pass) {
        double ce = batch.crossEntropy(logits, 1f, grad, pass.scope());
        return new LossTerms(ce, ce, Double.NaN);
    }

    @Override
    public String describe() {
        return "cross-entropy on hard labels";
    }
}
