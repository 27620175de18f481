package org.distill4j.train;

import java.util.Map;

/**
 * What a checkpoint holds: epochs completed, steps taken, the model's weights and the
 * optimiser's state by name, and the best evaluation so far. With the run's seed this is enough
 * to continue exactly where an uninterrupted run would be (the best epoch's weights are kept for the model
 * selection at the end; empty when there is no validation data): shuffles, dropout masks and jitter
 * are derived from (seed, epoch, step), not from a random stream.
 */
public record TrainState(int epochsDone, long globalStep, Map<String, float[]> weights,
                         Map<String, float[]> optimizer, int bestEpoch, int bestErrors,
                         Map<String, float[]> bestWeights) {
}
