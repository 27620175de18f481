package org.distill4j.train;

/** A loss or gradient became NaN or infinite; the message names the epoch, step and values. */
public class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
