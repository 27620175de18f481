// Shared helpers for the distill4j OpenCL kernels.
//
// ROW_GROUP (a power of two) is defined by the host at build time: the work-group size of every
// kernel that gives one work-group to one matrix row and reduces across it in local memory.

// The sum of v over the work-group, returned to every work-item. Every work-item must call it.
float group_sum(float v, __local float* scratch) {
    const int lid = get_local_id(0);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = ROW_GROUP / 2; stride > 0; stride >>= 1) {
        if (lid < stride) {
            scratch[lid] += scratch[lid + stride];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float total = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return total;
}

// max(a, b) that returns NaN when either is NaN, like Java's Math.max (fmax would drop the NaN).
float max_or_nan(float a, float b) {
    return (isnan(a) || a > b) ? a : b;
}

// The maximum of v over the work-group (NaN if any item holds NaN), returned to every work-item. Every work-item must call it.
float group_max(float v, __local float* scratch) {
    const int lid = get_local_id(0);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = ROW_GROUP / 2; stride > 0; stride >>= 1) {
        if (lid < stride) {
            scratch[lid] = max_or_nan(scratch[lid], scratch[lid + stride]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float best = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return best;
}

// out[0] = scale * sum(partials[0 .. count)), run as a single work-group of ROW_GROUP items.
// The loss kernels write one partial per row and finish with this.
__kernel void reduce_sum(__global const float* partials, const int count, const float scale,
                         __global float* out) {
    __local float scratch[ROW_GROUP];
    float s = 0.0f;
    for (int i = get_local_id(0); i < count; i += ROW_GROUP) {
        s += partials[i];
    }
    s = group_sum(s, scratch);
    if (get_local_id(0) == 0) {
        out[0] = scale * s;
    }
}
