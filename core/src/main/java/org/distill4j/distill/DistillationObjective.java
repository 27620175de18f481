package org.distill4j.distill;

import org.distill4j.backend.Backend;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.distill4j.data.Dataset;
import org.distill4j.nn.Pass;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Batch;
import org.distill4j.train.LossTerms;
import org.distill4j.train.Objective;

/**
 * The distillation loss of {@link DistillConfig} for a batch, with the teacher's logits from a
 * {@link BatchTeacher} (precomputed, or run on the batch). Unlabelled examples (label -1) add only the
 * soft term. {@link SoftTerm.Kd} and {@link SoftTerm.MatchLogits} are fused backend ops; the other methods
 * read the batch's logits to the host and write their gradient back ({@link HostSoftTerms}).
 */
public final class DistillationObjective implements Objective {
    private final BatchTeacher teacher;
    private final DistillConfig config;

    public DistillationObjective(BatchTeacher teacher, DistillConfig config) {
        this.teacher = teacher;
        this.config = config;
    }

    /** With logits computed once, before training. */
    public DistillationObjective(TeacherLogits teacher, DistillConfig config) {
        this(BatchTeacher.cached(teacher), config);
    }

    public DistillConfig config() {
        return config;
    }

    @Override
    public LossTerms compute(Tensor logits, Batch batch, Tensor grad, Pass pass) {
        Scope scope = pass.scope();
        Backend b = logits.backend();
        if (logits.cols() != teacher.classes()) {
            throw new IllegalArgumentException("student has " + logits.cols() + " outputs, the teacher " + teacher.classes() + " classes");
        }
        Tensor teacherLogits = teacher.logits(batch, scope);
        float alpha = config.alpha();
        double softWeight = config.softTerm().weight(alpha, batch.epoch());
        double soft = Double.NaN;
        if (softWeight > 0) {
            soft = softTerm(logits, teacherLogits, batch, (float) softWeight, grad, scope);
        } else {
            b.fill(grad, 0f);
        }
        double hard = Double.NaN;
        if (alpha > 0f) {
            Tensor hardGrad = scope.tensor(logits.shape());
            hard = batch.crossEntropy(logits, alpha, hardGrad, scope);
            b.axpy(1f, hardGrad, grad);
        }
        double total = (alpha > 0f ? alpha * hard : 0) + (softWeight > 0 ? softWeight * soft : 0);
        return new LossTerms(total, hard, soft);
    }

    /** Writes {@code weight * dSoft/dLogits} into {@code grad} and returns the soft term. */
    private double softTerm(Tensor logits, Tensor teacherLogits, Batch batch, float weight, Tensor grad, Scope scope) {
        Backend b = logits.backend();
        float t = config.temperature();
        switch (config.softTerm()) {
            case SoftTerm.Kd kd -> {
                Tensor loss = scope.tensor(1);
                b.softTargetLoss(logits, teacherLogits, t, weight, grad, loss);
                return loss.toArray()[0];
            }
            case SoftTerm.MatchLogits m -> {
                Tensor loss = scope.tensor(1);
                b.mseLoss(logits, teacherLogits, weight, grad, loss);
                return loss.toArray()[0];
            }
            default -> {
                int rows = logits.rows();
                int classes = logits.cols();
                double[] student = toDoubles(logits.toArray());
                double[] teacherRows = toDoubles(teacherLogits.toArray());
                double[] g = new double[student.length];
                HostSoftTerms.Value v = HostSoftTerms.evaluate(config.softTerm(), student, teacherRows,
                        targets(batch, teacherRows, classes), rows, classes, t, g);
                float[] out = new float[g.length];
                for (int i = 0; i < g.length; i++) {
                    out[i] = (float) (weight * g[i]);
                }
                grad.copyFrom(out, 0);
                return v.loss();
            }
        }
    }

    /** Each row's label, or the teacher's top class where the example is unlabelled. */
    private static int[] targets(Batch batch, double[] teacher, int classes) {
        float[] labels = batch.labels().toArray();
        int[] targets = new int[labels.length];
        for (int r = 0; r < labels.length; r++) {
            int label = (int) labels[r];
            if (label < 0) {
                label = 0;
                for (int j = 1; j < classes; j++) {
                    if (teacher[r * classes + j] > teacher[r * classes + label]) {
                        label = j;
                    }
                }
            }
            targets[r] = label;
        }
        return targets;
    }

    private static double[] toDoubles(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    /** The teacher must serve every example of {@code data} and score as many classes as {@code model} has outputs. */
    @Override
    public void checkCompatible(Sequential model, Dataset data) {
        teacher.checkFits(data, model.outputSize());
        if (config.softTerm() instanceof SoftTerm.Dkd) {
            HostSoftTerms.requireDkdClasses(model.outputSize());
        }
    }

    @Override
    public String describe() {
        SoftTerm term = config.softTerm();
        String weight = term instanceof SoftTerm.Dkd d && d.warmupEpochs() > 0 ? "min((epoch + 1) / " + d.warmupEpochs() + ", 1)"
                : String.format("%.3g", term.weight(config.alpha(), Integer.MAX_VALUE));
        String source = teacher instanceof BatchTeacher.Online ? ", teacher run on each batch" : "";
        return String.format("distillation (%s%s): %.3g * CE(labels) + %s * %s", term.name(), source, config.alpha(), weight,
                term.formula(config.temperature()));
    }
}
