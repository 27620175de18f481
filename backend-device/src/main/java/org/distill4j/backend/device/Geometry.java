package org.distill4j.backend.device;

/**
 * How a driver's kernels are launched: items per group of the element-wise kernels, of the
 * one-group-per-row kernels and of the one-group sum that finishes a loss ({@code reduce_sum}), and
 * how many groups {@code sum_squares_partials} (one partial per group) runs as.
 *
 * @param rowWarp where nonzero, a row's group is fitted to the row: its length rounded up to a
 *                multiple of {@code rowWarp}, at most {@code rowGroup}; where 0, every group has {@code rowGroup} items
 * @param sumSquaresGroups the most groups {@code sum_squares_partials} runs as
 */
public record Geometry(int elementGroup, int rowGroup, int rowWarp, int reduceGroup, int sumSquaresGroups) {
    int rowGroup(int cols) {
        return rowWarp == 0 ? rowGroup : Math.min(rowGroup, (cols + rowWarp - 1) / rowWarp * rowWarp);
    }
}
