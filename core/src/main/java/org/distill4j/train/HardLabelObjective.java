package org.distill4j.train;

import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;

/** Plain supervised training: cross-entropy against the hard labels (the student-alone baseline). */
public final class HardLabelObjective implements Objective {
    @Override
    public LossTerms compute(Tensor logits, Batch batch, Tensor grad, Scope scope) {
        Tensor loss = scope.tensor(1);
        logits.backend().crossEntropy(logits, batch.labels(), 1f, grad, loss);
        double ce = loss.toArray()[0];
        return new LossTerms(ce, ce, Double.NaN);
    }

    @Override
    public String describe() {
        return "cross-entropy on hard labels";
    }
}
