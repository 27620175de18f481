package org.distill4j.train;

/** Observes a training run: a progress bar, a metrics log, a checkpoint writer. Every method is optional. */
public interface TrainListener {
    /** Before the first step. */
    default void onStart(TrainInfo info) {
    }

    /** After every optimiser step. Keep it cheap. */
    default void onStep(StepReport step) {
    }

    /** After every epoch, with the evaluation when an evaluation set was given. */
    default void onEpoch(EpochReport epoch) {
    }

    /** After the run. */
    default void onEnd(TrainResult result) {
    }

    /** What the run is about to do. */
    record TrainInfo(String name, int epochs, int stepsPerEpoch, int startEpoch, int examples, String objective,
                     long parameters, String backend) {
    }

    /** One optimiser step. */
    record StepReport(int epoch, int stepInEpoch, int stepsPerEpoch, long globalStep, LossTerms loss, float learningRate) {
    }

    /** One epoch: mean losses over its steps, its evaluation (or null), its wall time. */
    record EpochReport(int epoch, int epochs, LossTerms meanLoss, Evaluation evaluation, double seconds,
                       float learningRate) {
    }
}
