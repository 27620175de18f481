// The softmax family and the losses: one thread block per matrix row (blockIdx.x), its threads
// walking the row with stride blockDim.x and reducing with block_max / block_sum (warp shuffles).
// Every exp is of a logit minus its row maximum (see shifted), so large logits never overflow.
#include "common.cuh"

// The row maximum of the raw logits (NaN if the row holds one). Dividing by T > 0 keeps the
// order, so this is also where z / T peaks.
__device__ __forceinline__ float row_max(const float* z, int cols, float* scratch) {
    float m = -INFINITY;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        m = max_or_nan(m, z[j]);
    }
    return block_max(m, scratch);
}

// z / T - max(z / T), computed as (z - max) / T: subtracting first keeps values like
// -Float.MAX_VALUE / 0.5 from overflowing to -inf when the whole row sits there. A row that is
// all -inf (max == -inf) is treated as a row of equal values, so its softmax is uniform, never NaN.
__device__ __forceinline__ float shifted(float z, float max, float temperature) {
    return max == -INFINITY ? 0.0f : (z - max) / temperature;
}

// log(sum over the row of exp(shifted(z))).
__device__ __forceinline__ float row_log_sum_exp(const float* z, int cols, float temperature, float max,
                                                 float* scratch) {
    float s = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        s += expf(shifted(z[j], max, temperature));
    }
    return logf(block_sum(s, scratch));
}

extern "C" __global__ void softmax(const float* logits, float* out, int cols, float temperature) {
    __shared__ float scratch[32];
    const long long offset = (long long) blockIdx.x * cols;
    const float* z = logits + offset;
    float* o = out + offset;
    const float max = row_max(z, cols, scratch);
    const float logSum = row_log_sum_exp(z, cols, temperature, max, scratch);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        o[j] = expf(shifted(z[j], max, temperature) - logSum);
    }
}

extern "C" __global__ void log_softmax(const float* logits, float* out, int cols, float temperature) {
    __shared__ float scratch[32];
    const long long offset = (long long) blockIdx.x * cols;
    const float* z = logits + offset;
    float* o = out + offset;
    const float max = row_max(z, cols, scratch);
    const float logSum = row_log_sum_exp(z, cols, temperature, max, scratch);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        o[j] = shifted(z[j], max, temperature) - logSum;
    }
}

// Cross-entropy at temperature 1 against a float class label (-1 = unlabelled):
// rowLoss[i] = -log softmax(z_i)[y_i] and grad_i = gradScale * (softmax(z_i) - onehot(y_i)),
// both zero for an unlabelled row. A label that is neither -1 nor a class index gives a NaN loss.
extern "C" __global__ void cross_entropy_rows(const float* logits, const float* labels, float* grad,
                                              float* rowLoss, int cols, float gradScale) {
    __shared__ float scratch[32];
    const int row = blockIdx.x;
    const long long offset = (long long) row * cols;
    const float* z = logits + offset;
    float* g = grad + offset;
    const float label = labels[row];
    const bool labelled = label != -1.0f;
    const bool valid = label >= 0.0f && label < (float) cols && label == floorf(label);
    const int y = valid ? (int) label : -1;
    // Every row runs the reductions: all threads of a block must reach the same barriers.
    const float max = row_max(z, cols, scratch);
    const float logSum = row_log_sum_exp(z, cols, 1.0f, max, scratch);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        const float p = expf(shifted(z[j], max, 1.0f) - logSum);
        g[j] = labelled ? gradScale * (j == y ? p - 1.0f : p) : 0.0f;
    }
    if (threadIdx.x == 0) {
        rowLoss[row] = !labelled ? 0.0f : valid ? logSum - shifted(z[y], max, 1.0f) : NAN;
    }
}

// The fused soft-target loss per row, with p = softmax(teacher / T) and q = softmax(student / T):
// rowLoss[i] = sum_j p_ij (log p_ij - log q_ij), terms with p_ij = 0 counting 0, and
// grad_i = gradScale * (q_i - p_i), gradScale = weight * T / N.
extern "C" __global__ void soft_target_rows(const float* student, const float* teacher, float* grad,
                                            float* rowLoss, int cols, float temperature, float gradScale) {
    __shared__ float scratch[32];
    const int row = blockIdx.x;
    const long long offset = (long long) row * cols;
    const float* s = student + offset;
    const float* t = teacher + offset;
    float* g = grad + offset;
    const float maxS = row_max(s, cols, scratch);
    const float maxT = row_max(t, cols, scratch);
    const float logSumS = row_log_sum_exp(s, cols, temperature, maxS, scratch);
    const float logSumT = row_log_sum_exp(t, cols, temperature, maxT, scratch);
    float kl = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        const float logQ = shifted(s[j], maxS, temperature) - logSumS;
        const float logP = shifted(t[j], maxT, temperature) - logSumT;
        const float p = expf(logP);
        if (p > 0.0f) {
            kl += p * (logP - logQ);
        }
        g[j] = gradScale * (expf(logQ) - p);
    }
    kl = block_sum(kl, scratch);
    if (threadIdx.x == 0) {
        rowLoss[row] = kl;
    }
}

// Squared error per row: rowLoss[i] = sum_j (a_ij - b_ij)^2 and grad = gradScale * (a - b),
// gradScale = weight / N.
extern "C" __global__ void mse_rows(const float* a, const float* b, float* grad, float* rowLoss, int cols,
                                    float gradScale) {
    __shared__ float scratch[32];
    const long long offset = (long long) blockIdx.x * cols;
    float s = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        const float d = a[offset + j] - b[offset + j];
        s += d * d;
        grad[offset + j] = gradScale * d;
    }
    s = block_sum(s, scratch);
    if (threadIdx.x == 0) {
        rowLoss[blockIdx.x] = s;
    }
}
