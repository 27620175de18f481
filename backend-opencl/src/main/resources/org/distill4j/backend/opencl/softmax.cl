// The softmax family and the losses, one work-group of ROW_GROUP items per matrix row: each item
// walks the row with stride ROW_GROUP and the group reduces in local memory (group_sum and
// group_max in common.cl). Every exp is of a logit minus its row maximum (see shifted), so
// large logits never overflow. Global size: rows * ROW_GROUP.

// The row maximum of the raw logits (NaN if the row holds one). Dividing by T > 0 keeps the order,
// so this is also where z / T peaks.
float row_max(__global const float* z, int cols, __local float* scratch) {
    float m = -INFINITY;
    for (int j = get_local_id(0); j < cols; j += ROW_GROUP) {
        m = max_or_nan(m, z[j]);
    }
    return group_max(m, scratch);
}

// z / T - max(z / T), computed as (z - max) / T: subtracting first keeps values like
// -Float.MAX_VALUE / 0.5 from overflowing to -inf when the whole row sits there. A row that is all
// -inf (max == -inf) is treated as a row of equal values, so its softmax is uniform, never NaN.
float shifted(float z, float max, float temperature) {
    return max == -INFINITY ? 0.0f : (z - max) / temperature;
}

// log(sum over the row of exp(shifted(z))).
float row_log_sum_exp(__global const float* z, int cols, float temperature, float max,
                      __local float* scratch) {
    float s = 0.0f;
    for (int j = get_local_id(0); j < cols; j += ROW_GROUP) {
        s += exp(shifted(z[j], max, temperature));
    }
    return log(group_sum(s, scratch));
}

__kernel void softmax(__global const float* logits, __global float* out, const int cols,
                      const float temperature) {
    __local float scratch[ROW_GROUP];
    const long offset = (long) get_group_id(0) * cols;
    __global const float* z = logits + offset;
    __global float* o = out + offset;
    const float max = row_max(z, cols, scratch);
    const float logSum = row_log_sum_exp(z, cols, temperature, max, scratch);
    for (int j = get_local_id(0); j < cols; j += ROW_GROUP) {
        o[j] = exp(shifted(z[j], max, temperature) - logSum);
    }
}

__kernel void log_softmax(__global const float* logits, __global float* out, const int cols,
                          const float temperature) {
    __local float scratch[ROW_GROUP];
    const long offset = (long) get_group_id(0) * cols;
    __global const float* z = logits + offset;
    __global float* o = out + offset;
    const float max = row_max(z, cols, scratch);
    const float logSum = row_log_sum_exp(z, cols, temperature, max, scratch);
    for (int j = get_local_id(0); j < cols; j += ROW_GROUP) {
        o[j] = shifted(z[j], max, temperature) - logSum;
    }
}

// Cross-entropy at temperature 1 against a float class label (-1 = unlabelled):
// rowLoss[i] = -log softmax(z_i)[y_i] and grad_i = gradScale * (softmax(z_i) - onehot(y_i)),
// both zero for an unlabelled row. A label outside [0, cols) other than -1 gives a NaN loss.
__kernel void cross_entropy_rows(__global const float* logits, __global const float* labels,
                                 __global float* grad, __global float* rowLoss, const int cols,
                                 const float gradScale) {
    __local float scratch[ROW_GROUP];
    const int row = get_group_id(0);
    const long offset = (long) row * cols;
    __global const float* z = logits + offset;
    __global float* g = grad + offset;
    const float label = labels[row];
    const bool labelled = label != -1.0f;
    const int y = (int) label;
    // Every row runs the reductions: all work-items of a group must reach the same barriers.
    const float max = row_max(z, cols, scratch);
    const float logSum = row_log_sum_exp(z, cols, 1.0f, max, scratch);
    for (int j = get_local_id(0); j < cols; j += ROW_GROUP) {
        const float p = exp(shifted(z[j], max, 1.0f) - logSum);
        g[j] = labelled ? gradScale * (j == y ? p - 1.0f : p) : 0.0f;
    }
    if (get_local_id(0) == 0) {
        const bool valid = y >= 0 && y < cols && (float) y == label;
        rowLoss[row] = !labelled ? 0.0f : valid ? logSum - shifted(z[y], max, 1.0f) : NAN;
    }
}

// The fused soft-target loss per row, with p = softmax(teacher / T) and q = softmax(student / T):
// rowLoss[i] = sum_j p_ij (log p_ij - log q_ij), terms with p_ij = 0 counting 0, and
// grad_i = gradScale * (q_i - p_i), gradScale = weight * T / N.
__kernel void soft_target_rows(__global const float* student, __global const float* teacher,
                               __global float* grad, __global float* rowLoss, const int cols,
                               const float temperature, const float gradScale) {
    __local float scratch[ROW_GROUP];
    const int row = get_group_id(0);
    const long offset = (long) row * cols;
    __global const float* s = student + offset;
    __global const float* t = teacher + offset;
    __global float* g = grad + offset;
    const float maxS = row_max(s, cols, scratch);
    const float maxT = row_max(t, cols, scratch);
    const float logSumS = row_log_sum_exp(s, cols, temperature, maxS, scratch);
    const float logSumT = row_log_sum_exp(t, cols, temperature, maxT, scratch);
    float kl = 0.0f;
    for (int j = get_local_id(0); j < cols; j += ROW_GROUP) {
        const float logQ = shifted(s[j], maxS, temperature) - logSumS;
        const float logP = shifted(t[j], maxT, temperature) - logSumT;
        const float p = exp(logP);
        if (p > 0.0f) {
            kl += p * (logP - logQ);
        }
        g[j] = gradScale * (exp(logQ) - p);
    }
    kl = group_sum(kl, scratch);
    if (get_local_id(0) == 0) {
        rowLoss[row] = kl;
    }
}

// Squared error per row: rowLoss[i] = sum_j (a_ij - b_ij)^2 and grad = gradScale * (a - b),
// gradScale = weight / N.
__kernel void mse_rows(__global const float* a, __global const float* b, __global float* grad,
                       __global float* rowLoss, const int cols, const float gradScale) {
    __local float scratch[ROW_GROUP];
    const int row = get_group_id(0);
    const long offset = (long) row * cols;
    float s = 0.0f;
    for (int j = get_local_id(0); j < cols; j += ROW_GROUP) {
        const float d = a[offset + j] - b[offset + j];
        s += d * d;
        grad[offset + j] = gradScale * d;
    }
    s = group_sum(s, scratch);
    if (get_local_id(0) == 0) {
        rowLoss[row] = s;
    }
}
