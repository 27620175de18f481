package org.distill4j.cli;

import org.distill4j.data.Dataset;
import org.distill4j.train.TrainConfig;
import picocli.CommandLine.Option;

/** Options that shape a training run; unset ones keep the defaults a command passes in. */
final class TrainingOptions {
    @Option(names = "--epochs", description = "Passes over the training (transfer) set.")
    Integer epochs;

    @Option(names = "--batch", description = "Minibatch size.")
    Integer batch;

    @Option(names = "--lr", description = "Peak learning rate.")
    Float lr;

    @Option(names = "--optimizer", description = "sgd or adam.")
    TrainConfig.OptimizerKind optimizer;

    @Option(names = "--schedule", description = "Learning-rate schedule: constant, step or cosine.")
    TrainConfig.Schedule schedule;

    @Option(names = "--warmup", description = "Fraction of the run with a linear learning-rate warm-up.")
    Double warmup;

    @Option(names = "--momentum", description = "Momentum (SGD) or beta1 (Adam).")
    Float momentum;

    @Option(names = "--momentum-start", description = "Momentum at the start of a ramp up to --momentum.")
    Float momentumStart;

    @Option(names = "--momentum-ramp", description = "Fraction of the run over which momentum ramps up.")
    Double momentumRamp;

    @Option(names = "--nesterov", description = "Nesterov momentum.")
    Boolean nesterov;

    @Option(names = "--weight-decay", description = "L2 weight decay.")
    Float weightDecay;

    @Option(names = "--clip", description = "Clip the gradient's global L2 norm to this (0 = off).")
    Float clip;

    @Option(names = "--jitter", description = "Shift training images by up to this many pixels (a random crop of the image"
            + " zero-padded by as many).")
    Integer jitter;

    @Option(names = "--flip", description = "Also mirror training images left-right, each with probability 1/2 (not for"
            + " digits).")
    boolean flip;

    @Option(names = "--mixup", description = "Mix each batch's examples and labels with weight lambda ~ Beta(A, A)"
            + " (Zhang et al. 2018; 0 = off; in distill it needs --online-teacher).")
    Float mixup;

    @Option(names = "--patience", description = "Stop after this many epochs without fewer validation errors (0 = never; needs validation data).")
    Integer patience;

    @Option(names = "--seed", description = "Seed for initialisation, shuffles, dropout and jitter.")
    Long seed;

    /** Throws unless patience has validation data to stop on. */
    static void checkPatience(TrainConfig config, Dataset validation) {
        if (config.patience() > 0 && validation == null) {
            throw new UsageException("--patience needs validation data (--val FILE or --val-fraction F) to stop on;"
                    + " the test set is never used to choose");
        }
    }

    /** {@code defaults} overridden by every option the user gave. */
    TrainConfig apply(TrainConfig defaults) {
        TrainConfig.Builder b = defaults.toBuilder();
        if (epochs != null) b.epochs(epochs);
        if (batch != null) b.batchSize(batch);
        if (lr != null) b.learningRate(lr);
        if (optimizer != null) b.optimizer(optimizer);
        if (schedule != null) b.schedule(schedule);
        if (warmup != null) b.warmup(warmup);
        b.momentumRamp(momentumStart != null ? momentumStart : defaults.momentumStart(),
                momentum != null ? momentum : defaults.momentum(),
                momentumRamp != null ? momentumRamp : defaults.momentumRamp());
        if (nesterov != null) b.nesterov(nesterov);
        if (weightDecay != null) b.weightDecay(weightDecay);
        if (clip != null) b.gradClipNorm(clip);
        if (jitter != null) b.jitterPixels(jitter);
        if (flip) b.horizontalFlip(true);
        if (mixup != null) b.mixupAlpha(mixup);
        if (patience != null) b.patience(patience);
        if (seed != null) b.seed(seed);
        return UsageException.ofOptions(b::build);
    }
}
