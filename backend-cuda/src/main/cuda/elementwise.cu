// Element-wise kernels, bias, column sums, dropout, argmax and sum-of-squares partials.
// One thread per element (or column, or row); the grid is rounded up, so every kernel checks
// its index. Outputs may alias inputs where the Java op allows it.
#include "common.cuh"

extern "C" __global__ void fill(float* x, int n, float value) {
    const long long i = global_index();
    if (i < n) {
        x[i] = value;
    }
}

extern "C" __global__ void scale(float* x, int n, float s) {
    const long long i = global_index();
    if (i < n) {
        x[i] *= s;
    }
}

// y += alpha * x
extern "C" __global__ void axpy(float alpha, const float* x, float* y, int n) {
    const long long i = global_index();
    if (i < n) {
        y[i] += alpha * x[i];
    }
}

extern "C" __global__ void mul(const float* a, const float* b, float* out, int n) {
    const long long i = global_index();
    if (i < n) {
        out[i] = a[i] * b[i];
    }
}

extern "C" __global__ void relu(const float* x, float* out, int n) {
    const long long i = global_index();
    if (i < n) {
        out[i] = x[i] > 0.0f ? x[i] : 0.0f;
    }
}

extern "C" __global__ void relu_backward(const float* gradOut, const float* x, float* gradIn, int n) {
    const long long i = global_index();
    if (i < n) {
        gradIn[i] = x[i] > 0.0f ? gradOut[i] : 0.0f;
    }
}

// x[i][j] += bias[j] for an n-element matrix with `cols` columns.
extern "C" __global__ void add_row_bias(float* x, const float* bias, int n, int cols) {
    const long long i = global_index();
    if (i < n) {
        x[i] += bias[i % cols];
    }
}

// out[j] = sum over rows of x[i][j]; one thread per column, so neighbouring threads read
// neighbouring addresses.
extern "C" __global__ void sum_rows(const float* x, float* out, int rows, int cols) {
    const long long j = global_index();
    if (j >= cols) {
        return;
    }
    float s = 0.0f;
    for (int i = 0; i < rows; i++) {
        s += x[(long long) i * cols + j];
    }
    out[j] = s;
}

// DropoutRng.mix: SplitMix64's output function in 64-bit unsigned arithmetic, like Java's long
// (multiplication wraps modulo 2^64, and >> on an unsigned value is Java's >>>).
__device__ __forceinline__ unsigned long long splitmix64_mix(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// DropoutRng.uniform: the top 24 bits of mix(seed + (index + 1) * GAMMA) as a float in [0, 1).
__device__ __forceinline__ float dropout_uniform(unsigned long long seed, unsigned long long index) {
    return (float) (splitmix64_mix(seed + (index + 1ull) * 0x9E3779B97F4A7C15ull) >> 40) * 0x1.0p-24f;
}

// mask[i] = uniform(seed, i) >= p ? keepScale : 0 and out = x * mask, with keepScale = 1 / (1 - p).
// The seed is Java's long, passed bit for bit.
extern "C" __global__ void dropout(const float* x, float* mask, float* out, int n, float p, float keepScale,
                                   unsigned long long seed) {
    const long long i = global_index();
    if (i < n) {
        const float m = dropout_uniform(seed, (unsigned long long) i) >= p ? keepScale : 0.0f;
        mask[i] = m;
        out[i] = x[i] * m;
    }
}

// partials[block] = the sum of x[e]^2 over the elements this block visits: thread t of the grid
// takes e = t, t + gridSize, t + 2 gridSize, ...; the host adds the partials in double.
extern "C" __global__ void sum_squares_partials(const float* x, int n, float* partials) {
    __shared__ float scratch[32];
    const long long stride = (long long) gridDim.x * blockDim.x;
    float s = 0.0f;
    for (long long e = global_index(); e < n; e += stride) {
        s += x[e] * x[e];
    }
    s = block_sum(s, scratch);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = s;
    }
}

// out[i] = the first column of row i holding its largest value, NaN counting as largest.
extern "C" __global__ void argmax_rows(const float* x, int rows, int cols, int* out) {
    const long long i = global_index();
    if (i >= rows) {
        return;
    }
    const float* row = x + i * cols;
    int best = 0;
    for (int j = 1; j < cols && !isnan(row[best]); j++) {
        if (isnan(row[j]) || row[j] > row[best]) {
            best = j;
        }
    }
    out[i] = best;
}

// out[0] = scale * sum(partials[0 .. count)), as a single block. The loss kernels write one
// partial per row and finish with this, so the loss stays on the device.
extern "C" __global__ void reduce_sum(const float* partials, int count, float scale, float* out) {
    __shared__ float scratch[32];
    float s = 0.0f;
    for (int i = threadIdx.x; i < count; i += blockDim.x) {
        s += partials[i];
    }
    s = block_sum(s, scratch);
    if (threadIdx.x == 0) {
        out[0] = scale * s;
    }
}
