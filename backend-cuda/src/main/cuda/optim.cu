// Optimiser updates and the max-norm constraint: one thread per parameter (or column).
#include "common.cuh"

// SGD with momentum as PyTorch: g = grad + wd * param; v = momentum * v + g;
// param -= lr * (nesterov ? g + momentum * v : v).
extern "C" __global__ void sgd_update(float* param, const float* grad, float* velocity, int n, float lr,
                                      float momentum, float weightDecay, int nesterov) {
    const long long i = global_index();
    if (i >= n) {
        return;
    }
    const float g = grad[i] + weightDecay * param[i];
    const float v = momentum * velocity[i] + g;
    velocity[i] = v;
    param[i] -= lr * (nesterov ? g + momentum * v : v);
}

// Adam as PyTorch (L2 weight decay): correction1 = 1 - beta1^step, correction2 = 1 - beta2^step.
extern "C" __global__ void adam_update(float* param, const float* grad, float* m, float* v, int n, float lr,
                                       float beta1, float beta2, float eps, float weightDecay,
                                       float correction1, float correction2) {
    const long long i = global_index();
    if (i >= n) {
        return;
    }
    const float g = grad[i] + weightDecay * param[i];
    const float mi = beta1 * m[i] + (1.0f - beta1) * g;
    const float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] -= lr * (mi / correction1) / (sqrtf(vi / correction2) + eps);
}

// Each column of a rows x cols matrix whose L2 norm exceeds maxNorm is scaled to norm maxNorm;
// one thread per column.
extern "C" __global__ void max_norm_columns(float* w, int rows, int cols, float maxNorm) {
    const long long j = global_index();
    if (j >= cols) {
        return;
    }
    float s = 0.0f;
    for (int i = 0; i < rows; i++) {
        const float x = w[(long long) i * cols + j];
        s += x * x;
    }
    const float norm = sqrtf(s);
    if (norm > maxNorm) {
        const float f = maxNorm / norm;
        for (int i = 0; i < rows; i++) {
            w[(long long) i * cols + j] *= f;
        }
    }
}
