package org.distill4j.backend.device;

/**
 * The shape of a launch: {@code groupsX * groupsY} work-groups (CUDA blocks) of
 * {@code localX * localY} work-items (threads), over one or two dimensions.
 */
public record Grid(int dimensions, int groupsX, int groupsY, int localX, int localY) {
    /** {@code groups} work-groups of {@code local} items in one dimension. */
    public static Grid linear(int groups, int local) {
        return new Grid(1, groups, 1, local, 1);
    }

    /** A two-dimensional grid. */
    public static Grid planar(int groupsX, int groupsY, int localX, int localY) {
        return new Grid(2, groupsX, groupsY, localX, localY);
    }

    /** How many groups of {@code perGroup} cover {@code n}. */
    public static int groups(long n, int perGroup) {
        return (int) ((n + perGroup - 1) / perGroup);
    }
}
