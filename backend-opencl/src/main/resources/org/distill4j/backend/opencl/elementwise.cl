// Element-wise kernels: one work-item per element, the global size rounded up to the group size,
// so every kernel checks i < n. Outputs may alias inputs where the Java op allows it.

__kernel void fill(__global float* x, const int n, const float value) {
    const int i = get_global_id(0);
    if (i < n) {
        x[i] = value;
    }
}

__kernel void scale(__global float* x, const int n, const float s) {
    const int i = get_global_id(0);
    if (i < n) {
        x[i] *= s;
    }
}

// y += alpha * x
__kernel void axpy(const float alpha, __global const float* x, __global float* y, const int n) {
    const int i = get_global_id(0);
    if (i < n) {
        y[i] += alpha * x[i];
    }
}

__kernel void mul(__global const float* a, __global const float* b, __global float* out, const int n) {
    const int i = get_global_id(0);
    if (i < n) {
        out[i] = a[i] * b[i];
    }
}

__kernel void relu(__global const float* x, __global float* out, const int n) {
    const int i = get_global_id(0);
    if (i < n) {
        out[i] = x[i] > 0.0f || isnan(x[i]) ? x[i] : 0.0f;
    }
}

__kernel void relu_backward(__global const float* gradOut, __global const float* x, __global float* gradIn,
                            const int n) {
    const int i = get_global_id(0);
    if (i < n) {
        gradIn[i] = x[i] > 0.0f ? gradOut[i] : 0.0f;
    }
}

// x[i][j] += bias[j] for an n-element matrix with `cols` columns.
__kernel void add_row_bias(__global float* x, __global const float* bias, const int n, const int cols) {
    const int i = get_global_id(0);
    if (i < n) {
        x[i] += bias[i % cols];
    }
}

// out[j] = sum over rows of x[i][j]; one work-item per column, so reads are contiguous across items.
__kernel void sum_rows(__global const float* x, __global float* out, const int rows, const int cols) {
    const int j = get_global_id(0);
    if (j >= cols) {
        return;
    }
    float s = 0.0f;
    for (int i = 0; i < rows; i++) {
        s += x[i * cols + j];
    }
    out[j] = s;
}

// DropoutRng.mix: SplitMix64's output function, in 64-bit unsigned arithmetic like Java's long
// (multiplication wraps modulo 2^64 and >> on ulong is Java's >>>).
ulong splitmix64_mix(ulong z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    return z ^ (z >> 31);
}

// DropoutRng.uniform: 24 random bits as a float in [0, 1).
float dropout_uniform(ulong seed, ulong index) {
    return (float) (splitmix64_mix(seed + (index + 1UL) * 0x9E3779B97F4A7C15UL) >> 40) * 0x1.0p-24f;
}

// mask[i] = uniform(seed, i) >= p ? keepScale : 0 and out = x * mask, keepScale = 1 / (1 - p).
__kernel void dropout(__global const float* x, __global float* mask, __global float* out, const int n,
                      const float p, const float keepScale, const ulong seed) {
    const int i = get_global_id(0);
    if (i < n) {
        const float m = dropout_uniform(seed, (ulong) i) >= p ? keepScale : 0.0f;
        mask[i] = m;
        out[i] = x[i] * m;
    }
}

// Partial sums of squares: item i adds x[i], x[i + items], x[i + 2*items], ...; the host adds
// the partials in double.
__kernel void sum_squares_partials(__global const float* x, const int n, __global float* partials) {
    const int i = get_global_id(0);
    const int items = get_global_size(0);
    float s = 0.0f;
    for (int e = i; e < n; e += items) {
        s += x[e] * x[e];
    }
    partials[i] = s;
}

// out[i] = the first column of row i holding its largest value, NaN counting as largest.
__kernel void argmax_rows(__global const float* x, const int rows, const int cols, __global int* out) {
    const int i = get_global_id(0);
    if (i >= rows) {
        return;
    }
    __global const float* row = x + (long) i * cols;
    int best = 0;
    for (int j = 1; j < cols && !isnan(row[best]); j++) {
        if (isnan(row[j]) || row[j] > row[best]) {
            best = j;
        }
    }
    out[i] = best;
}
