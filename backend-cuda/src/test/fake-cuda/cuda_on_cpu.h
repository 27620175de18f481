// Lets the kernel sources (under the CUDA dialect, src/main/cuda/dialect.cuh) compile as plain C++
// for the fake CUDA driver (fake_cuda.cpp): CUDA's qualifiers become nothing, blocks run one at a time with one fiber per
// thread, __syncthreads and warp shuffles are fiber barriers, and __shared__ variables become
// function statics (shared by the threads of the one block that runs at a time).
#ifndef DISTILL4J_CUDA_ON_CPU_H
#define DISTILL4J_CUDA_ON_CPU_H

#include <cmath>
#include <cstring>

using std::isnan;

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __launch_bounds__(...)
#define __shared__ static

struct dim3 {
    unsigned int x = 1, y = 1, z = 1;
};

// Set by the scheduler before it switches to a thread's fiber.
extern dim3 threadIdx;
extern dim3 blockIdx;
extern dim3 blockDim;
extern dim3 gridDim;

namespace fakecuda {
// Waits until every thread of the block arrives (kind 0) or every lane of the caller's warp (kind 1).
void barrier(int kind);
// The calling thread's lane (0..31) in its warp.
int lane();
// The 32 exchange slots of the calling thread's warp for its next shuffle (two sets, alternating).
unsigned long long* next_shuffle_slots();
void check_full_mask(unsigned int mask, const char* what);
}  // namespace fakecuda

inline void __syncthreads() {
    fakecuda::barrier(0);
}

inline void __syncwarp(unsigned int mask = 0xffffffffu) {
    fakecuda::check_full_mask(mask, "__syncwarp");
    fakecuda::barrier(1);
}

// Every lane publishes its value, the warp meets, and each reads lane (self ^ laneMask). The slots
// alternate between two sets from one shuffle to the next, so no lane can overwrite a value before
// every lane has read it (that would need the whole warp to meet again) and one meeting per
// shuffle is enough.
template <typename T>
T __shfl_xor_sync(unsigned int mask, T value, int laneMask) {
    static_assert(sizeof(T) <= sizeof(unsigned long long), "shuffle of a value wider than 64 bits");
    fakecuda::check_full_mask(mask, "__shfl_xor_sync");
    const int self = fakecuda::lane();
    unsigned long long* slots = fakecuda::next_shuffle_slots();
    std::memcpy(&slots[self], &value, sizeof(T));
    fakecuda::barrier(1);
    T result;
    std::memcpy(&result, &slots[(self ^ laneMask) & 31], sizeof(T));
    return result;
}

#endif
