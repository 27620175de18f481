package org.distill4j.distill;

import java.util.List;
import java.util.SplittableRandom;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.distill4j.data.Dataset;
import org.distill4j.nn.Linear;
import org.distill4j.nn.Parameter;
import org.distill4j.nn.Pass;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Batch;
import org.distill4j.train.LossTerms;
import org.distill4j.train.Objective;

/**
 * A FitNets hint (Romero et al. 2015): a learned linear regressor maps the student's hidden layer {@code S} to the
 * teacher's hidden layer {@code T}, with the loss {@code weight * (1/2N) sum (r(h_s) - h_t)^2}, the teacher run in
 * inference mode up to {@code T} on each batch (hint targets are never cached). Either added to a base objective
 * throughout, or as FitNets' first stage: for the first {@code firstStageEpochs} epochs the hint alone (the logits get no
 * gradient, so only the layers up to {@code S} and the regressor learn), then the base objective alone; one run, one
 * learning-rate schedule over both. The regressor is optimised and checkpointed with the student
 * ({@link #parameters()}) but is not part of the student's model file. Close it after training.
 */
public final class HintObjective implements Objective, AutoCloseable {
    private final Objective base;
    private final Sequential teacher;
    private final int studentHidden;
    private final int teacherHidden;
    private final int teacherLayer;
    private final float weight;
    private final int firstStageEpochs;
    private final Linear regressor;
    private int studentLayer = -1;

    /**
     * @param base             the objective the hint is added to, or that follows the first stage
     * @param studentHidden    the student's hidden layer, 1-based ({@link Sequential#hiddenLayerIndex})
     * @param teacherHidden    the teacher's hidden layer, 1-based
     * @param studentWidth     the width of the student's hidden layer {@code studentHidden}
     * @param firstStageEpochs epochs of hint alone before the base objective alone; 0 = the hint added throughout
     */
    public HintObjective(Objective base, Sequential teacher, int studentHidden, int teacherHidden, int studentWidth, float weight,
                         int firstStageEpochs, long seed) {
        if (!(weight > 0f) || Float.isInfinite(weight)) {
            throw new IllegalArgumentException("hint weight must be > 0 and finite, found " + weight);
        }
        if (firstStageEpochs < 0) {
            throw new IllegalArgumentException("hint first-stage epochs must be >= 0, found " + firstStageEpochs);
        }
        this.firstStageEpochs = firstStageEpochs;
        this.base = base;
        this.teacher = teacher;
        this.studentHidden = studentHidden;
        this.teacherHidden = teacherHidden;
        this.teacherLayer = teacher.hiddenLayerIndex(teacherHidden);
        this.weight = weight;
        this.regressor = new Linear(teacher.backend(), "hint", studentWidth, teacher.hiddenWidth(teacherHidden), 0f);
        regressor.initialize(Linear.Init.XAVIER, new SplittableRandom(seed));
    }

    @Override
    public void checkCompatible(Sequential model, Dataset data) {
        studentLayer = model.hiddenLayerIndex(studentHidden);
        if (model.hiddenWidth(studentHidden) != regressor.inputs()) {
            throw new IllegalArgumentException("the hint regressor takes " + regressor.inputs() + " features, the student's hidden layer "
                    + studentHidden + " has " + model.hiddenWidth(studentHidden));
        }
        if (teacher.inputSize() != data.featureCount()) {
            throw new IllegalArgumentException("the hint teacher takes " + teacher.inputSize() + " features, the transfer set has "
                    + data.featureCount());
        }
        base.checkCompatible(model, data);
    }

    @Override
    public void prepare(Pass pass) {
        if (studentLayer < 0) {
            throw new IllegalStateException("checkCompatible must be called before the first step");
        }
        pass.tap(studentLayer);
        base.prepare(pass);
    }

    /** In the first stage the logits get no gradient and {@code soft} is the hint term. */
    @Override
    public LossTerms compute(Tensor logits, Batch batch, Tensor grad, Pass pass) {
        boolean firstStage = batch.epoch() < firstStageEpochs;
        if (firstStageEpochs > 0 && !firstStage) {
            return base.compute(logits, batch, grad, pass);
        }
        LossTerms main = null;
        if (firstStage) {
            logits.backend().fill(grad, 0f);
        } else {
            main = base.compute(logits, batch, grad, pass);
        }
        double hint = hint(batch, pass);
        return main == null ? new LossTerms(weight * hint, Double.NaN, hint)
                : new LossTerms(main.total() + weight * hint, main.hard(), main.soft());
    }

    /** Adds the hint's gradient at the student's hidden layer and returns the (unweighted) hint term. */
    private double hint(Batch batch, Pass pass) {
        Scope scope = pass.scope();
        Backend b = scope.backend();
        Tensor target = teacher.forwardThrough(batch.features(), teacherLayer, Pass.inference(scope));
        Pass regression = Pass.training(scope, 0L);
        Tensor predicted = regressor.forward(pass.tapped(studentLayer), regression);
        Tensor predictedGrad = scope.tensor(predicted.shape());
        Tensor loss = scope.tensor(1);
        b.mseLoss(predicted, target, weight, predictedGrad, loss);
        pass.addGradient(studentLayer, regressor.backward(predictedGrad, regression, true));
        return loss.toArray()[0];
    }

    @Override
    public List<Parameter> parameters() {
        return regressor.parameters();
    }

    @Override
    public String describe() {
        String hint = String.format("%.3g * hint MSE(regressor(student hidden %d), teacher hidden %d)", weight, studentHidden, teacherHidden);
        return firstStageEpochs > 0 ? "FitNets: " + hint + " for " + firstStageEpochs + " epochs, then " + base.describe()
                : base.describe() + " + " + hint;
    }

    @Override
    public void close() {
        regressor.parameters().forEach(Parameter::close);
    }
}
