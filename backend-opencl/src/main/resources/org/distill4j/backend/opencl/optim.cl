// Optimiser updates and the max-norm constraint, one work-item per parameter (or column).

// SGD with momentum as PyTorch: g = grad + wd * param; v = momentum * v + g;
// param -= lr * (nesterov ? g + momentum * v : v).
__kernel void sgd_update(__global float* param, __global const float* grad, __global float* velocity,
                         const int n, const float lr, const float momentum, const float weightDecay,
                         const int nesterov) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float g = grad[i] + weightDecay * param[i];
    const float v = momentum * velocity[i] + g;
    velocity[i] = v;
    param[i] -= lr * (nesterov ? g + momentum * v : v);
}

// Adam as PyTorch (L2 weight decay): correction1 = 1 - beta1^step, correction2 = 1 - beta2^step.
__kernel void adam_update(__global float* param, __global const float* grad, __global float* m,
                          __global float* v, const int n, const float lr, const float beta1,
                          const float beta2, const float eps, const float weightDecay,
                          const float correction1, const float correction2) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float g = grad[i] + weightDecay * param[i];
    const float mi = beta1 * m[i] + (1.0f - beta1) * g;
    const float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] -= lr * (mi / correction1) / (sqrt(vi / correction2) + eps);
}

// Each column of a rows x cols matrix whose L2 norm exceeds maxNorm is scaled to norm maxNorm;
// one work-item per column.
__kernel void max_norm_columns(__global float* w, const int rows, const int cols, const float maxNorm) {
    const int j = get_global_id(0);
    if (j >= cols) {
        return;
    }
    float s = 0.0f;
    for (int i = 0; i < rows; i++) {
        const float x = w[i * cols + j];
        s += x * x;
    }
    const float norm = sqrt(s);
    if (norm > maxNorm) {
        const float f = maxNorm / norm;
        for (int i = 0; i < rows; i++) {
            w[i * cols + j] *= f;
        }
    }
}
