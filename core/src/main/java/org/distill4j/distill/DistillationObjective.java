package org.distill4j.distill;

import org.distill4j.backend.Backend;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.distill4j.data.Dataset;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Batch;
import org.distill4j.train.LossTerms;
import org.distill4j.train.Objective;

/**
 * The distillation loss of {@link DistillConfig} for a batch, with the teacher's logits looked
 * up by example index in precomputed {@link TeacherLogits}. Unlabelled examples (label -1) add
 * only the soft term.
 */
public final class DistillationObjective implements Objective {
    private final TeacherLogits teacher;
    private final DistillConfig config;
    private float[] hostRows = new float[0];

    public DistillationObjective(TeacherLogits teacher, DistillConfig config) {
        this.teacher = teacher;
        this.config = config;
    }

    public DistillConfig config() {
        return config;
    }

    @Override
    public LossTerms compute(Tensor logits, Batch batch, Tensor grad, Scope scope) {
        Backend b = logits.backend();
        int classes = teacher.classes();
        if (logits.cols() != classes) {
            throw new IllegalArgumentException("student has " + logits.cols() + " outputs, teacher logits have " + classes + " classes");
        }
        int rows = batch.size();
        if (hostRows.length < rows * classes) {
            hostRows = new float[rows * classes];
        }
        for (int r = 0; r < rows; r++) {
            teacher.row(batch.indices()[r], hostRows, r * classes);
        }
        Tensor teacherLogits = scope.tensor(rows, classes);
        teacherLogits.copyFrom(hostRows, 0);

        float alpha = config.alpha();
        double soft = Double.NaN;
        double hard = Double.NaN;
        if (alpha < 1f) {
            Tensor softLoss = scope.tensor(1);
            if (config.mode() == DistillConfig.Mode.SOFT_TARGETS) {
                b.softTargetLoss(logits, teacherLogits, config.temperature(), 1f - alpha, grad, softLoss);
            } else {
                b.mseLoss(logits, teacherLogits, 1f - alpha, grad, softLoss);
            }
            soft = softLoss.toArray()[0];
        } else {
            b.fill(grad, 0f);
        }
        if (alpha > 0f) {
            Tensor hardLoss = scope.tensor(1);
            Tensor hardGrad = scope.tensor(logits.shape());
            b.crossEntropy(logits, batch.labels(), alpha, hardGrad, hardLoss);
            b.axpy(1f, hardGrad, grad);
            hard = hardLoss.toArray()[0];
        }
        double total = (alpha > 0f ? alpha * hard : 0) + (alpha < 1f ? (1 - alpha) * soft : 0);
        return new LossTerms(total, hard, soft);
    }

    /** The teacher logits must have a row per example of {@code data} and a column per output of {@code model}. */
    @Override
    public void checkCompatible(Sequential model, Dataset data) {
        teacher.checkFits(data.size(), model.outputSize(), "distillation");
    }

    @Override
    public String describe() {
        return config.mode() == DistillConfig.Mode.SOFT_TARGETS
                ? String.format("distillation: %.3g * CE(labels) + %.3g * T^2 * KL(teacher_T || student_T), T = %g",
                        config.alpha(), 1 - config.alpha(), config.temperature())
                : String.format("distillation: %.3g * CE(labels) + %.3g * MSE(logits)", config.alpha(), 1 - config.alpha());
    }
}
