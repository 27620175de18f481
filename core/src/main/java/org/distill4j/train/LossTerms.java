package org.distill4j.train;

/**
 * The loss of one step: the weighted total that was minimised, and its parts (for example
 * {@code hard} = cross-entropy against labels, {@code soft} = the {@code T^2}-scaled KL term),
 * each unweighted; a part that was not computed is NaN.
 */
public record LossTerms(double total, double hard, double soft) {
    public boolean finite() {
        return Double.isFinite(total);
    }
}
