package org.distill4j.backend.cpu;

/**
 * The elementwise and row kernels of the CPU backend, one method per kernel {@link CpuBackend}
 * calls: {@link ScalarKernels} is the reference, {@link VectorKernels} the Vector API version,
 * and the backend picks one when it is built ({@link #of}). Gemm is not here: {@link Gemm} and
 * {@link ScalarKernels#gemm} keep their own entry points.
 *
 * <p>Matrices are row-major with {@code cols} columns; elementwise kernels work on the index range
 * {@code [from, to)} and row kernels on the rows {@code [rowFrom, rowTo)}, so a caller may split
 * the work. Loss kernels return the sum of their rows' unnormalised losses. Implementations hold
 * no mutable state: scratch comes from the caller, so one instance serves concurrent callers.
 */
interface Kernels {

    /** The Vector API kernels if {@code simd} (the caller has checked {@link VectorSupport#usable()}), else the scalar ones. */
    static Kernels of(boolean simd) {
        return simd ? VectorKernels.INSTANCE : ScalarKernels.INSTANCE;
    }

    // ------------------------------------------------------------------ linear algebra

    /** {@code x[i][j] += bias[j]} for rows {@code [rowFrom, rowTo)}. */
    void addRowBias(float[] x, float[] bias, int cols, int rowFrom, int rowTo);

    /** {@code out[j] = sum_i x[i][j]} over all {@code rows}, top to bottom, for columns {@code [colFrom, colTo)}. */
    void sumRows(float[] x, float[] out, int rows, int cols, int colFrom, int colTo);

    // ------------------------------------------------------------------ activations

    /** {@code max(x, 0)} with Java's {@link Math#max}: NaN stays NaN, -0 becomes 0. */
    void relu(float[] x, float[] out, int from, int to);

    /** {@code gradIn = x > 0 ? gradOut : 0}. */
    void reluBackward(float[] gradOut, float[] x, float[] gradIn, int from, int to);

    /** Inverted dropout; the mask depends only on {@code seed} and the element index. */
    void dropout(float[] x, float[] mask, float[] out, float p, long seed, int from, int to);

    // ------------------------------------------------------------------ softmax family

    /** Softmax per row; a row of all {@code -inf} gives the uniform distribution. */
    void softmax(float[] z, float temperature, float[] out, int cols, int rowFrom, int rowTo);

    /** Log-softmax per row; a row of all {@code -inf} gives {@code -log(cols)}. */
    void logSoftmax(float[] z, float temperature, float[] out, int cols, int rowFrom, int rowTo);

    // ------------------------------------------------------------------ losses

    /**
     * Cross-entropy rows: returns {@code sum over labelled rows of -log softmax(z)[y]} and writes
     * {@code gradScale * (softmax(z) - onehot(y))} (zero for unlabelled rows, label {@code < 0}).
     */
    double crossEntropy(float[] z, float[] labels, float gradScale, float[] grad, int cols, int rowFrom, int rowTo);

    /** Floats of scratch {@link #softTargetLoss} needs for rows of {@code cols} columns (may be 0). */
    int softTargetScratch(int cols);

    /**
     * Soft-target rows: returns {@code sum_i KL(p_i || q_i)} with {@code p = softmax(teacher/T)},
     * {@code q = softmax(student/T)} ({@code 0 * log 0 = 0}) and writes {@code gradScale * (q - p)};
     * {@code scratch} holds at least {@link #softTargetScratch softTargetScratch(cols)} floats.
     */
    double softTargetLoss(float[] student, float[] teacher, float temperature, float gradScale,
                          float[] grad, int cols, int rowFrom, int rowTo, float[] scratch);

    /** Returns {@code sum (a - b)^2} over {@code [from, to)} and writes {@code gradScale * (a - b)}. */
    double mseLoss(float[] a, float[] b, float gradScale, float[] grad, int from, int to);

    // ------------------------------------------------------------------ optimiser updates

    /** SGD with momentum (Nesterov's if {@code nesterov}) and L2 weight decay folded into the gradient. */
    void sgdUpdate(float[] param, float[] grad, float[] velocity, float lr, float momentum,
                   float weightDecay, boolean nesterov, int from, int to);

    /** Adam; {@code bc1 = 1 - beta1^step} and {@code bc2 = 1 - beta2^step} are the bias corrections. */
    void adamUpdate(float[] param, float[] grad, float[] m, float[] v, float lr, float beta1, float beta2,
                    float eps, float weightDecay, float bc1, float bc2, int from, int to);

    /**
     * Scales each column of a {@code rows x cols} matrix whose L2 norm exceeds {@code maxNorm} to
     * that norm; {@code sq} and {@code scratch} hold at least {@code cols} elements.
     */
    void maxNormColumns(float[] w, int rows, int cols, float maxNorm, double[] sq, float[] scratch);

    // ------------------------------------------------------------------ reductions and elementwise

    /** Index of the row's largest value, the first on ties; a NaN counts as largest (the first NaN wins). */
    void argmaxRows(float[] x, int cols, int[] out, int rowFrom, int rowTo);

    void fill(float[] x, float value, int from, int to);

    void copy(float[] src, float[] dst, int from, int to);

    /** {@code y += alpha * x}. */
    void axpy(float alpha, float[] x, float[] y, int from, int to);

    /** {@code x *= s}. */
    void scale(float[] x, float s, int from, int to);

    /** {@code out = a * b} elementwise. */
    void mul(float[] a, float[] b, float[] out, int from, int to);

    /** {@code sum x^2} in float64 over {@code [from, to)}. */
    double sumSquares(float[] x, int from, int to);
}
