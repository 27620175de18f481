package org.distill4j.train;

/**
 * How a run ended: epochs run, the best validation evaluation and its epoch, the last evaluation, the wall time,
 * whether patience stopped it, and which epoch's weights the model holds ({@code keptEpoch}, 0-based) and why.
 * Evaluations are {@code null} when the run had no validation data.
 */
public record TrainResult(int epochsRun, int bestEpoch, Evaluation best, Evaluation last, double seconds,
                          boolean stoppedEarly, int keptEpoch, Selection selection) {
    /** How the kept weights were chosen. */
    public enum Selection {
        /** The epoch with the fewest validation errors. */
        BEST_ON_VALIDATION,
        /** The last epoch run (no validation data). */
        LAST
    }

    /** For example {@code "epoch 12 of 20 (best on validation, 31 errors)"}. */
    public String describeKept(int epochs) {
        return "epoch " + (keptEpoch + 1) + " of " + epochs + (selection == Selection.BEST_ON_VALIDATION
                ? " (best on validation" + (best == null ? "" : ", " + best.errors() + " errors") + ")"
                : " (the last; no validation data to choose by)");
    }
}
