// Helpers shared by every kernel source of this folder. A backend compiles each source after its
// dialect header (which defines KERNEL, GLOBAL, LOCAL, SHARED, BARRIER, the index macros, i64, u64
// and MAX_GROUP) and after this file.
//
// The kernels that give one group to one matrix row (the softmax family and the losses) and the
// group-wide sums reduce through a SHARED float[MAX_GROUP] in local memory, as a tree whose shape
// depends only on the group size, so the results do not depend on thread timing.

// max(a, b) that returns NaN when either is NaN, like Java's Math.max (fmaxf would drop the NaN).
DEVICE float max_or_nan(float a, float b) {
    return (isnan(a) || a > b) ? a : b;
}

// The sum (or, when maximum, the NaN-propagating maximum) of v over the group, returned to every
// item. Every item of the group must call it; it holds the group's barriers.
DEVICE float group_reduce(float v, LOCAL float* scratch, bool maximum) {
    const int id = LOCAL_ID_X;
    const int size = LOCAL_SIZE_X;
    scratch[id] = v;
    BARRIER();
    int stride = 1;
    while (stride * 2 < size) {
        stride *= 2;
    }
    for (; stride > 0; stride /= 2) {
        if (id < stride && id + stride < size) {
            scratch[id] = maximum ? max_or_nan(scratch[id], scratch[id + stride]) : scratch[id] + scratch[id + stride];
        }
        BARRIER();
    }
    const float result = scratch[0];
    BARRIER();
    return result;
}

DEVICE float group_sum(float v, LOCAL float* scratch) {
    return group_reduce(v, scratch, false);
}

DEVICE float group_max(float v, LOCAL float* scratch) {
    return group_reduce(v, scratch, true);
}

// The index of this item in a one-dimensional grid, as a 64-bit value (n may be close to 2^31).
DEVICE i64 global_index() {
    return (i64) GROUP_ID_X * LOCAL_SIZE_X + LOCAL_ID_X;
}
