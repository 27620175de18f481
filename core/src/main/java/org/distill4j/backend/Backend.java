package org.distill4j.backend;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A compute backend: makes {@link Tensor}s on its device and runs every op the framework needs.
 *
 * <p>Each public op checks its arguments (same backend, open tensors, shapes, finite
 * hyper-parameters) and then calls the matching protected kernel, which a backend implements
 * and may assume valid. Ops view a tensor as a matrix ({@link Tensor#rows()} x
 * {@link Tensor#cols()}). Outputs may not alias inputs unless an op says so.
 *
 * <p><b>Losses</b> are means over the batch: with {@code N} rows, each loss is the sum of the
 * per-row losses divided by {@code N}. The soft-target loss is PyTorch's
 * {@code T*T * kl_div(log_softmax(s/T), softmax(t/T), reduction='batchmean')}. Loss kernels
 * write the unweighted loss into a one-element tensor and {@code weight * dLoss/dLogits} into
 * the gradient, so a caller combines losses without another pass over the logits.
 *
 * <p><b>Labels</b> are a rank-1 tensor of class indices stored as floats ({@code 0 .. C-1});
 * {@code -1} marks an unlabelled row, which adds nothing to a cross-entropy (whose mean still
 * divides by all {@code N} rows).
 *
 * <p><b>Threads</b>: ops on distinct tensors may be called from several threads at once unless a
 * backend documents otherwise ({@link #threadSafe()}).
 */
public abstract class Backend implements AutoCloseable {
    private final AtomicInteger liveTensors = new AtomicInteger();
    private volatile ImageOps images;

    /** The provider name this backend was made by, e.g. {@code cpu}. */
    public abstract String name();

    /** One line describing the device, e.g. {@code "CPU, 2 threads, AVX-512 (16 float lanes)"}. */
    public abstract String describe();

    /** Whether ops may be called from several threads at once. */
    public boolean threadSafe() {
        return true;
    }

    // ------------------------------------------------------------------ memory

    /** A new long-lived tensor of this shape, contents undefined; the caller closes it. */
    public final Tensor tensor(int... shape) {
        Tensor.checkedSize(shape);
        Tensor t = allocate(shape.clone());
        liveTensors.incrementAndGet();
        return t;
    }

    /** A new long-lived tensor holding {@code values}; the caller closes it. */
    public final Tensor tensor(float[] values, int... shape) {
        Tensor t = tensor(shape);
        try {
            t.copyFrom(values);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /** A scope whose tensors are all closed when it closes. */
    public final Scope newScope() {
        return new Scope(this);
    }

    /** How many tensors of this backend are allocated and not yet closed. */
    public final int liveTensors() {
        return liveTensors.get();
    }

    final void tensorReleased() {
        liveTensors.decrementAndGet();
    }

    /** Allocates device memory for a tensor of a valid shape. */
    protected abstract Tensor allocate(int[] shape);

    /** The convolution, pooling and batch-norm ops of this backend; the default runs them as {@link ImageOps} does. */
    public ImageOps images() {
        ImageOps ops = images;
        if (ops == null) {
            ops = new ImageOps(this);
            images = ops;
        }
        return ops;
    }

    /** Waits until every op issued so far has finished; a no-op on synchronous backends. */
    public void synchronize() {
    }

    /** Frees the backend's own resources (thread pools, contexts, pools). Tensors should be closed first. */
    @Override
    public void close() {
    }

    // ------------------------------------------------------------------ linear algebra

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, where {@code op(X)} is {@code X} or its
     * transpose. With {@code op(A)} of shape {@code m x k} and {@code op(B)} {@code k x n},
     * {@code C} must be {@code m x n}. When {@code beta == 0}, {@code C}'s old contents are ignored
     * (NaN in C does not propagate).
     */
    public final void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        check(a, b, c);
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw shapes("gemm", "op(A) " + m + "x" + k + " * op(B) " + kb + "x" + n + " -> C " + m + "x" + n
                    + " (transA=" + transA + ", transB=" + transB + ")", a, b, c);
        }
        requireFinite("gemm", "alpha", alpha);
        requireFinite("gemm", "beta", beta);
        distinct("gemm", c, a, b);
        gemmKernel(transA, transB, m, n, k, alpha, a, b, beta, c);
    }

    protected abstract void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                                       float alpha, Tensor a, Tensor b, float beta, Tensor c);

    /** {@code x[i][j] += bias[j]} in place; {@code bias} has {@code x.cols()} elements. */
    public final void addRowBias(Tensor x, Tensor bias) {
        check(x, bias);
        if (bias.size() != x.cols()) {
            throw shapes("addRowBias", "bias needs " + x.cols() + " elements", x, bias);
        }
        addRowBiasKernel(x, bias);
    }

    protected abstract void addRowBiasKernel(Tensor x, Tensor bias);

    /** {@code out[j] = sum over rows i of x[i][j]} (the bias gradient); {@code out} has {@code x.cols()} elements. */
    public final void sumRows(Tensor x, Tensor out) {
        check(x, out);
        if (out.size() != x.cols()) {
            throw shapes("sumRows", "out needs " + x.cols() + " elements", x, out);
        }
        distinct("sumRows", out, x);
        sumRowsKernel(x, out);
    }

    protected abstract void sumRowsKernel(Tensor x, Tensor out);

    // ------------------------------------------------------------------ activations

    /** {@code out = max(x, 0)}, NaN staying NaN (as {@link Math#max}); {@code out} may be {@code x}. */
    public final void relu(Tensor x, Tensor out) {
        check(x, out);
        sameSize("relu", x, out);
        reluKernel(x, out);
    }

    protected abstract void reluKernel(Tensor x, Tensor out);

    /**
     * {@code gradIn = x > 0 ? gradOut : 0}, where {@code x} is the ReLU's input or output (they
     * are positive at the same places); {@code gradIn} may be {@code gradOut}.
     */
    public final void reluBackward(Tensor gradOut, Tensor x, Tensor gradIn) {
        check(gradOut, x, gradIn);
        sameSize("reluBackward", gradOut, x, gradIn);
        reluBackwardKernel(gradOut, x, gradIn);
    }

    protected abstract void reluBackwardKernel(Tensor gradOut, Tensor x, Tensor gradIn);

    /**
     * Inverted dropout: {@code mask[i] = u(seed, i) >= p ? 1/(1-p) : 0} and {@code out = x * mask},
     * where {@code u} is {@link DropoutRng#uniform(long, long)}, so every backend draws the same mask
     * for the same seed. {@code 0 <= p < 1}; {@code out} may be {@code x}. The backward pass is
     * {@link #mul}{@code (gradOut, mask, gradIn)}.
     */
    public final void dropout(Tensor x, Tensor mask, Tensor out, float p, long seed) {
        check(x, mask, out);
        sameSize("dropout", x, mask, out);
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1), found " + p);
        }
        distinct("dropout", mask, x, out);
        dropoutKernel(x, mask, out, p, seed);
    }

    protected abstract void dropoutKernel(Tensor x, Tensor mask, Tensor out, float p, long seed);

    // ------------------------------------------------------------------ softmax family

    /**
     * Per row: {@code out[i][j] = exp(z[i][j]/T - m_i) / sum_k exp(z[i][k]/T - m_i)} with
     * {@code m_i} the row maximum of {@code z/T}. {@code T > 0}; {@code out} may be {@code logits}.
     * A row whose entries are all {@code -inf} gives the uniform {@code 1/cols} (the limit of equal
     * entries), never NaN; so does every op built on softmax.
     */
    public final void softmax(Tensor logits, float temperature, Tensor out) {
        check(logits, out);
        sameSize("softmax", logits, out);
        requireTemperature("softmax", temperature);
        softmaxKernel(logits, temperature, out);
    }

    protected abstract void softmaxKernel(Tensor logits, float temperature, Tensor out);

    /**
     * Per row: {@code out = log(softmax(logits / T))}, computed stably; {@code out} may be {@code logits}.
     * A row whose entries are all {@code -inf} gives {@code -log(cols)}, as {@link #softmax} does.
     */
    public final void logSoftmax(Tensor logits, float temperature, Tensor out) {
        check(logits, out);
        sameSize("logSoftmax", logits, out);
        requireTemperature("logSoftmax", temperature);
        logSoftmaxKernel(logits, temperature, out);
    }

    protected abstract void logSoftmaxKernel(Tensor logits, float temperature, Tensor out);

    // ------------------------------------------------------------------ losses

    /**
     * Cross-entropy against hard labels at temperature 1:
     * {@code loss = (1/N) sum over labelled rows i of -log softmax(z_i)[y_i]} and
     * {@code grad_i = weight * (softmax(z_i) - onehot(y_i)) / N} (zero for unlabelled rows).
     * {@code labels} has N elements (see the class comment); {@code loss} has one element.
     */
    public final void crossEntropy(Tensor logits, Tensor labels, float weight, Tensor grad, Tensor loss) {
        check(logits, labels, grad, loss);
        if (labels.size() != logits.rows()) {
            throw shapes("crossEntropy", "labels need one element per row (" + logits.rows() + ")", logits, labels);
        }
        sameSize("crossEntropy", logits, grad);
        oneElement("crossEntropy", loss);
        requireFinite("crossEntropy", "weight", weight);
        distinct("crossEntropy", grad, logits, labels);
        crossEntropyKernel(logits, labels, weight, grad, loss);
    }

    protected abstract void crossEntropyKernel(Tensor logits, Tensor labels, float weight, Tensor grad, Tensor loss);

    /**
     * The soft-target loss, fused: with {@code p = softmax(teacher/T)} and {@code q = softmax(student/T)},
     * {@code loss = T^2 * (1/N) * sum_i sum_j p_ij (log p_ij - log q_ij)} (terms with {@code p_ij = 0}
     * count 0) and {@code grad = weight * T * (q - p) / N}, the gradient of {@code weight * loss}
     * with respect to the student logits.
     */
    public final void softTargetLoss(Tensor studentLogits, Tensor teacherLogits, float temperature,
                                     float weight, Tensor grad, Tensor loss) {
        check(studentLogits, teacherLogits, grad, loss);
        sameShapeAsMatrix("softTargetLoss", studentLogits, teacherLogits);
        sameSize("softTargetLoss", studentLogits, grad);
        oneElement("softTargetLoss", loss);
        requireTemperature("softTargetLoss", temperature);
        requireFinite("softTargetLoss", "weight", weight);
        distinct("softTargetLoss", grad, studentLogits, teacherLogits);
        softTargetLossKernel(studentLogits, teacherLogits, temperature, weight, grad, loss);
    }

    protected abstract void softTargetLossKernel(Tensor studentLogits, Tensor teacherLogits, float temperature,
                                                 float weight, Tensor grad, Tensor loss);

    /**
     * Squared error between logits (the matching-logits limit of distillation):
     * {@code loss = (1/(2N)) sum_ij (a_ij - b_ij)^2} and {@code grad = weight * (a - b) / N},
     * the gradient of {@code weight * loss} with respect to {@code a}.
     */
    public final void mseLoss(Tensor a, Tensor b, float weight, Tensor grad, Tensor loss) {
        check(a, b, grad, loss);
        sameShapeAsMatrix("mseLoss", a, b);
        sameSize("mseLoss", a, grad);
        oneElement("mseLoss", loss);
        requireFinite("mseLoss", "weight", weight);
        distinct("mseLoss", grad, a, b);
        mseLossKernel(a, b, weight, grad, loss);
    }

    protected abstract void mseLossKernel(Tensor a, Tensor b, float weight, Tensor grad, Tensor loss);

    // ------------------------------------------------------------------ optimiser updates

    /**
     * SGD with momentum, as PyTorch: {@code g = grad + weightDecay * param};
     * {@code velocity = momentum * velocity + g}; {@code param -= lr * (nesterov ? g + momentum * velocity : velocity)}.
     */
    public final void sgdUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum,
                                float weightDecay, boolean nesterov) {
        check(param, grad, velocity);
        sameSize("sgdUpdate", param, grad, velocity);
        requireFinite("sgdUpdate", "lr", lr);
        requireFinite("sgdUpdate", "momentum", momentum);
        requireFinite("sgdUpdate", "weightDecay", weightDecay);
        sgdUpdateKernel(param, grad, velocity, lr, momentum, weightDecay, nesterov);
    }

    protected abstract void sgdUpdateKernel(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum,
                                            float weightDecay, boolean nesterov);

    /**
     * Adam, as PyTorch (L2 weight decay added to the gradient): {@code g = grad + weightDecay * param};
     * {@code m = b1*m + (1-b1)*g}; {@code v = b2*v + (1-b2)*g^2};
     * {@code param -= lr * (m / (1 - b1^step)) / (sqrt(v / (1 - b2^step)) + eps)}; {@code step >= 1}.
     */
    public final void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                                 float eps, float weightDecay, int step) {
        check(param, grad, m, v);
        sameSize("adamUpdate", param, grad, m, v);
        requireFinite("adamUpdate", "lr", lr);
        if (!(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f) || !(eps > 0f) || step < 1) {
            throw new IllegalArgumentException("adamUpdate: need 0 <= beta1, beta2 < 1, eps > 0, step >= 1; found beta1="
                    + beta1 + " beta2=" + beta2 + " eps=" + eps + " step=" + step);
        }
        requireFinite("adamUpdate", "weightDecay", weightDecay);
        adamUpdateKernel(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step);
    }

    protected abstract void adamUpdateKernel(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1,
                                             float beta2, float eps, float weightDecay, int step);

    /**
     * Max-norm constraint on a weight matrix stored {@code [inputs, units]}: each column (one
     * unit's incoming weights) whose L2 norm exceeds {@code maxNorm} is scaled to norm {@code maxNorm}.
     */
    public final void maxNormColumns(Tensor weights, float maxNorm) {
        check(weights);
        if (!(maxNorm > 0f) || Float.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("maxNormColumns: maxNorm must be positive and finite, found " + maxNorm);
        }
        maxNormColumnsKernel(weights, maxNorm);
    }

    protected abstract void maxNormColumnsKernel(Tensor weights, float maxNorm);

    // ------------------------------------------------------------------ reductions and elementwise

    /** {@code out[i]} = the column index of row {@code i}'s largest value (the first on ties; NaN counts as largest). */
    public final void argmaxRows(Tensor x, int[] out) {
        check(x);
        if (out.length < x.rows()) {
            throw new IllegalArgumentException("argmaxRows: output needs " + x.rows() + " entries, has " + out.length);
        }
        argmaxRowsKernel(x, out);
    }

    protected abstract void argmaxRowsKernel(Tensor x, int[] out);

    /** Every element of {@code x} set to {@code value}. */
    public final void fill(Tensor x, float value) {
        check(x);
        fillKernel(x, value);
    }

    protected abstract void fillKernel(Tensor x, float value);

    /** {@code dst = src}, element for element (shapes may differ if sizes agree). */
    public final void copy(Tensor src, Tensor dst) {
        check(src, dst);
        sameSize("copy", src, dst);
        copyKernel(src, dst);
    }

    protected abstract void copyKernel(Tensor src, Tensor dst);

    /** {@code y += alpha * x}. */
    public final void axpy(float alpha, Tensor x, Tensor y) {
        check(x, y);
        sameSize("axpy", x, y);
        requireFinite("axpy", "alpha", alpha);
        axpyKernel(alpha, x, y);
    }

    protected abstract void axpyKernel(float alpha, Tensor x, Tensor y);

    /** {@code x *= s} in place. */
    public final void scale(Tensor x, float s) {
        check(x);
        requireFinite("scale", "s", s);
        scaleKernel(x, s);
    }

    protected abstract void scaleKernel(Tensor x, float s);

    /** {@code out = a * b} elementwise; {@code out} may be {@code a} or {@code b}. */
    public final void mul(Tensor a, Tensor b, Tensor out) {
        check(a, b, out);
        sameSize("mul", a, b, out);
        mulKernel(a, b, out);
    }

    protected abstract void mulKernel(Tensor a, Tensor b, Tensor out);

    /** The sum of squares of all elements, in float64 on the host (for norms and finiteness checks). */
    public final double sumSquares(Tensor x) {
        check(x);
        return sumSquaresKernel(x);
    }

    protected abstract double sumSquaresKernel(Tensor x);

    // ------------------------------------------------------------------ checks

    final void check(Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t == null) {
                throw new NullPointerException("tensor argument is null");
            }
            if (t.backend() != this) {
                throw new IllegalArgumentException("tensor " + t + " belongs to backend " + t.backend().name()
                        + ", not to this " + name() + " backend instance");
            }
            t.checkOpen();
        }
    }

    static void sameSize(String op, Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t.size() != tensors[0].size()) {
                throw shapes(op, "all tensors need the same number of elements", tensors);
            }
        }
    }

    private static void sameShapeAsMatrix(String op, Tensor a, Tensor b) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw shapes(op, "both need the same rows x cols", a, b);
        }
    }

    private static void oneElement(String op, Tensor loss) {
        if (loss.size() != 1) {
            throw shapes(op, "loss must have exactly one element", loss);
        }
    }

    static void distinct(String op, Tensor out, Tensor... inputs) {
        for (Tensor in : inputs) {
            if (in == out) {
                throw new IllegalArgumentException(op + ": output " + out + " must not be the same tensor as an input");
            }
        }
    }

    private static void requireTemperature(String op, float t) {
        if (!(t > 0f) || Float.isInfinite(t)) {
            throw new IllegalArgumentException(op + ": temperature must be > 0 and finite, found " + t);
        }
    }

    private static void requireFinite(String op, String what, float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(op + ": " + what + " must be finite, found " + v);
        }
    }

    static IllegalArgumentException shapes(String op, String rule, Tensor... tensors) {
        StringBuilder sb = new StringBuilder(op).append(": shape mismatch, ").append(rule).append("; found");
        for (Tensor t : tensors) {
            sb.append(' ').append(t.shapeString());
        }
        return new IllegalArgumentException(sb.toString());
    }
}
