// Shared helpers for the distill4j CUDA kernels (included by every .cu file of this folder).
//
// Kernels that give one thread block to one matrix row (the softmax family and the losses) run
// with blockDim.x a multiple of 32 (at most 1024) and reduce across the row with warp shuffles,
// then across the block's warps through 32 floats of shared memory.
#ifndef DISTILL4J_COMMON_CUH
#define DISTILL4J_COMMON_CUH

#define FULL_WARP 0xffffffffu

// max(a, b) that returns NaN when either is NaN, like Java's Math.max (fmaxf would drop the NaN).
__device__ __forceinline__ float max_or_nan(float a, float b) {
    return (isnan(a) || a > b) ? a : b;
}

// The sum of v over the 32 lanes of a warp, returned to every lane.
__device__ __forceinline__ float warp_sum(float v) {
    for (int lanes = 16; lanes > 0; lanes >>= 1) {
        v += __shfl_xor_sync(FULL_WARP, v, lanes);
    }
    return v;
}

// The NaN-propagating maximum of v over the 32 lanes of a warp, returned to every lane.
__device__ __forceinline__ float warp_max(float v) {
    for (int lanes = 16; lanes > 0; lanes >>= 1) {
        v = max_or_nan(v, __shfl_xor_sync(FULL_WARP, v, lanes));
    }
    return v;
}

// The sum of v over the block, returned to every thread. scratch: 32 floats of shared memory.
// Every thread of the block must call it (it holds two __syncthreads).
__device__ __forceinline__ float block_sum(float v, float* scratch) {
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    v = warp_sum(v);
    if (lane == 0) {
        scratch[warp] = v;
    }
    __syncthreads();
    v = lane < (int) (blockDim.x >> 5) ? scratch[lane] : 0.0f;
    v = warp_sum(v);
    __syncthreads();
    return v;
}

// The NaN-propagating maximum of v over the block, returned to every thread; as block_sum.
__device__ __forceinline__ float block_max(float v, float* scratch) {
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    v = warp_max(v);
    if (lane == 0) {
        scratch[warp] = v;
    }
    __syncthreads();
    v = lane < (int) (blockDim.x >> 5) ? scratch[lane] : -INFINITY;
    v = warp_max(v);
    __syncthreads();
    return v;
}

// The index of this thread in a one-dimensional grid, as a 64-bit value (n may be close to 2^31).
__device__ __forceinline__ long long global_index() {
    return (long long) blockIdx.x * blockDim.x + threadIdx.x;
}

#endif
