package org.distill4j.bench;

import org.distill4j.backend.Backend;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.distill4j.distill.DistillConfig;
import org.distill4j.nn.Pass;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Batch;
import org.distill4j.train.LossTerms;
import org.distill4j.train.Objective;

/**
 * The soft-target distillation objective of {@link org.distill4j.distill.DistillationObjective},
 * but with the teacher run forward (inference pass, no dropout) on each batch instead of looked
 * up in precomputed logits: the step the issue measures, and what a transfer set that changes
 * every epoch (augmentation) would need.
 */
final class OnlineTeacherObjective implements Objective {
    private final Sequential teacher;
    private final DistillConfig config;

    OnlineTeacherObjective(Sequential teacher, DistillConfig config) {
        this.teacher = teacher;
        this.config = config;
    }

    @Override
    public LossTerms compute(Tensor logits, Batch batch, Tensor grad, Scope scope) {
        Backend b = logits.backend();
        Tensor teacherLogits = teacher.forward(batch.features(), Pass.inference(scope));
        float alpha = config.alpha();
        Tensor softLoss = scope.tensor(1);
        b.softTargetLoss(logits, teacherLogits, config.temperature(), 1f - alpha, grad, softLoss);
        Tensor hardLoss = scope.tensor(1);
        Tensor hardGrad = scope.tensor(logits.shape());
        b.crossEntropy(logits, batch.labels(), alpha, hardGrad, hardLoss);
        b.axpy(1f, hardGrad, grad);
        double soft = softLoss.toArray()[0];
        double hard = hardLoss.toArray()[0];
        return new LossTerms(alpha * hard + (1 - alpha) * soft, hard, soft);
    }

    @Override
    public String describe() {
        return "distillation with the teacher run on each batch, T = " + config.temperature() + ", alpha = " + config.alpha();
    }
}
