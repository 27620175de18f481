package org.distill4j.train;

/**
 * How a run ended: epochs run, the best evaluation and its epoch (the model holds those weights
 * when early stopping restored them), the last evaluation, and the wall time.
 */
public record TrainResult(int epochsRun, int bestEpoch, Evaluation best, Evaluation last, double seconds,
                          boolean stoppedEarly) {
}
