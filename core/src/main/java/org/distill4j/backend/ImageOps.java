package org.distill4j.backend;

/**
 * The ops of convolutional networks on one backend ({@link Backend#images()}): convolution, max and average pooling,
 * and batch normalisation's per-channel statistics, affine map and backward. An image batch is a tensor of one image
 * per row, channel-major ({@code [N, C*H*W]} as a matrix), and the sizes come in a {@link ConvGeometry} or
 * {@link PoolGeometry}.
 *
 * <p>Each public op checks its arguments and calls a protected kernel. The kernels here work for any backend: the
 * convolution is {@link ImageKernels#im2col} on the host and this backend's {@link Backend#gemm}, the others are
 * {@link ImageKernels}' loops on host copies. A backend makes them fast by returning a subclass from
 * {@link Backend#images()} that overrides kernels; results must stay within the conformance suite's tolerances.
 */
public class ImageOps {
    /** The most im2col values a default convolution holds at once (the batch is processed in parts). */
    private static final int COLS_PER_PART = 1 << 22;

    private final Backend backend;

    protected ImageOps(Backend backend) {
        this.backend = backend;
    }

    protected final Backend backend() {
        return backend;
    }

    // ------------------------------------------------------------------ convolution

    /** {@code out = conv(input, weight) + bias} over {@code input [N, g.inputSize()]}; out is {@code [N, g.outputSize()]}. */
    public final void conv2d(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor out) {
        backend.check(input, weight, bias, out);
        requireImages("conv2d", input, g.inputSize(), "input");
        requireImages("conv2d", out, g.outputSize(), "out");
        requireRows("conv2d", input, out);
        requireWeights("conv2d", weight, bias, g);
        Backend.distinct("conv2d", out, input, weight, bias);
        conv2dKernel(input, weight, bias, g, out);
    }

    /**
     * The gradients of {@link #conv2d}: {@code gradWeight} and {@code gradBias} are overwritten with their sums over the
     * batch, and {@code gradInput} (null to skip it, as for a first layer) with dLoss/dInput.
     */
    public final void conv2dBackward(Tensor gradOut, Tensor input, Tensor weight, ConvGeometry g,
                                     Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        backend.check(gradOut, input, weight, gradWeight, gradBias);
        requireImages("conv2dBackward", input, g.inputSize(), "input");
        requireImages("conv2dBackward", gradOut, g.outputSize(), "gradOut");
        requireRows("conv2dBackward", input, gradOut);
        requireWeights("conv2dBackward", weight, gradBias, g);
        if (gradWeight.size() != weight.size()) {
            throw Backend.shapes("conv2dBackward", "gradWeight needs the weight's " + weight.size() + " elements", gradWeight);
        }
        if (gradInput != null) {
            backend.check(gradInput);
            requireImages("conv2dBackward", gradInput, g.inputSize(), "gradInput");
            requireRows("conv2dBackward", input, gradInput);
            Backend.distinct("conv2dBackward", gradInput, gradOut, input, weight, gradWeight, gradBias);
        }
        Backend.distinct("conv2dBackward", gradWeight, gradOut, input, weight, gradBias);
        Backend.distinct("conv2dBackward", gradBias, gradOut, input, weight);
        conv2dBackwardKernel(gradOut, input, weight, g, gradInput, gradWeight, gradBias);
    }

    protected void conv2dKernel(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor out) {
        int rows = input.rows();
        int pixels = g.outPixels();
        int part = partSize(g, rows);
        float[] x = input.toArray();
        float[] y = new float[rows * g.outputSize()];
        float[] cols = new float[part * pixels * g.patchSize()];
        try (Scope scope = backend.newScope()) {
            Tensor w = weightMatrix(scope, weight, g);
            for (int first = 0; first < rows; first += part) {
                int count = Math.min(part, rows - first);
                ImageKernels.im2col(x, first, count, g, cols, 0);
                Tensor c = scope.tensor(count * pixels, g.patchSize());
                c.copyFrom(cols, 0);
                Tensor pixelRows = scope.tensor(count * pixels, g.outChannels());
                backend.gemm(false, true, 1f, c, w, 0f, pixelRows);
                backend.addRowBias(pixelRows, bias);
                ImageKernels.pixelRowsToImages(pixelRows.toArray(), 0, first, count, g.outChannels(), pixels, y);
                c.close();
                pixelRows.close();
            }
        }
        out.copyFrom(y);
    }

    protected void conv2dBackwardKernel(Tensor gradOut, Tensor input, Tensor weight, ConvGeometry g,
                                        Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        int rows = input.rows();
        int pixels = g.outPixels();
        int part = partSize(g, rows);
        float[] x = input.toArray();
        float[] dy = gradOut.toArray();
        float[] dx = gradInput == null ? null : new float[rows * g.inputSize()];
        float[] cols = new float[part * pixels * g.patchSize()];
        float[] dyRows = new float[part * pixels * g.outChannels()];
        try (Scope scope = backend.newScope()) {
            Tensor w = weightMatrix(scope, weight, g);
            Tensor dw = scope.tensor(g.outChannels(), g.patchSize());
            Tensor db = scope.tensor(g.outChannels());
            for (int first = 0; first < rows; first += part) {
                int count = Math.min(part, rows - first);
                ImageKernels.im2col(x, first, count, g, cols, 0);
                ImageKernels.imagesToPixelRows(dy, first, count, g.outChannels(), pixels, dyRows, 0);
                Tensor c = scope.tensor(count * pixels, g.patchSize());
                c.copyFrom(cols, 0);
                Tensor d = scope.tensor(count * pixels, g.outChannels());
                d.copyFrom(dyRows, 0);
                backend.gemm(true, false, 1f, d, c, first == 0 ? 0f : 1f, dw);
                backend.sumRows(d, db);
                if (first == 0) {
                    backend.copy(db, gradBias);
                } else {
                    backend.axpy(1f, db, gradBias);
                }
                if (dx != null) {
                    Tensor dc = scope.tensor(count * pixels, g.patchSize());
                    backend.gemm(false, false, 1f, d, w, 0f, dc);
                    ImageKernels.col2imAdd(dc.toArray(), 0, first, count, g, dx);
                    dc.close();
                }
                c.close();
                d.close();
            }
            gradWeight.copyFrom(dw.toArray());
        }
        if (dx != null) {
            gradInput.copyFrom(dx);
        }
    }

    /** How many images a convolution unfolds at once. */
    protected static int partSize(ConvGeometry g, int rows) {
        long perImage = (long) g.outPixels() * g.patchSize();
        return (int) Math.max(1, Math.min(rows, COLS_PER_PART / perImage));
    }

    /** The weight as the {@code [outChannels, patchSize]} matrix gemm needs, whatever rank it was made with. */
    private static Tensor weightMatrix(Scope scope, Tensor weight, ConvGeometry g) {
        if (weight.rows() == g.outChannels() && weight.cols() == g.patchSize()) {
            return weight;
        }
        return scope.tensor(weight.toArray(), g.outChannels(), g.patchSize());
    }

    // ------------------------------------------------------------------ pooling

    /** The largest value of each window (the first in scan order on a tie). */
    public final void maxPool2d(Tensor input, PoolGeometry g, Tensor out) {
        checkPool("maxPool2d", input, g, out);
        maxPool2dKernel(input, g, out);
    }

    /** dLoss/dInput of {@link #maxPool2d}: each window's gradient on the input the forward took. */
    public final void maxPool2dBackward(Tensor gradOut, Tensor input, PoolGeometry g, Tensor gradInput) {
        checkPool("maxPool2dBackward", input, g, gradOut);
        backend.check(gradInput);
        requireImages("maxPool2dBackward", gradInput, g.inputSize(), "gradInput");
        requireRows("maxPool2dBackward", input, gradInput);
        Backend.distinct("maxPool2dBackward", gradInput, gradOut, input);
        maxPool2dBackwardKernel(gradOut, input, g, gradInput);
    }

    /** The mean of each window. */
    public final void avgPool2d(Tensor input, PoolGeometry g, Tensor out) {
        checkPool("avgPool2d", input, g, out);
        avgPool2dKernel(input, g, out);
    }

    /** dLoss/dInput of {@link #avgPool2d}. */
    public final void avgPool2dBackward(Tensor gradOut, PoolGeometry g, Tensor gradInput) {
        backend.check(gradOut, gradInput);
        requireImages("avgPool2dBackward", gradOut, g.outputSize(), "gradOut");
        requireImages("avgPool2dBackward", gradInput, g.inputSize(), "gradInput");
        requireRows("avgPool2dBackward", gradOut, gradInput);
        Backend.distinct("avgPool2dBackward", gradInput, gradOut);
        avgPool2dBackwardKernel(gradOut, g, gradInput);
    }

    protected void maxPool2dKernel(Tensor input, PoolGeometry g, Tensor out) {
        float[] y = new float[out.size()];
        ImageKernels.maxPool(input.toArray(), 0, input.rows(), g, y);
        out.copyFrom(y);
    }

    protected void maxPool2dBackwardKernel(Tensor gradOut, Tensor input, PoolGeometry g, Tensor gradInput) {
        float[] dx = new float[gradInput.size()];
        ImageKernels.maxPoolBackward(gradOut.toArray(), input.toArray(), 0, input.rows(), g, dx);
        gradInput.copyFrom(dx);
    }

    protected void avgPool2dKernel(Tensor input, PoolGeometry g, Tensor out) {
        float[] y = new float[out.size()];
        ImageKernels.avgPool(input.toArray(), 0, input.rows(), g, y);
        out.copyFrom(y);
    }

    protected void avgPool2dBackwardKernel(Tensor gradOut, PoolGeometry g, Tensor gradInput) {
        float[] dx = new float[gradInput.size()];
        ImageKernels.avgPoolBackward(gradOut.toArray(), 0, gradOut.rows(), g, dx);
        gradInput.copyFrom(dx);
    }

    // ------------------------------------------------------------------ batch normalisation

    /**
     * Per channel of {@code x} (each row {@code channels} equal blocks): the mean and the biased variance over every
     * row and position, into {@code mean} and {@code variance} of {@code channels} elements.
     */
    public final void channelMoments(Tensor x, int channels, Tensor mean, Tensor variance) {
        backend.check(x, mean, variance);
        requireChannels("channelMoments", x, channels, mean, variance);
        Backend.distinct("channelMoments", mean, x, variance);
        Backend.distinct("channelMoments", variance, x);
        channelMomentsKernel(x, channels, mean, variance);
    }

    /** {@code out = scale[c] * x + shift[c]} for every element of channel {@code c}; {@code out} may be {@code x}. */
    public final void channelAffine(Tensor x, int channels, Tensor scale, Tensor shift, Tensor out) {
        backend.check(x, scale, shift, out);
        requireChannels("channelAffine", x, channels, scale, shift);
        Backend.sameSize("channelAffine", x, out);
        Backend.distinct("channelAffine", out, scale, shift);
        channelAffineKernel(x, channels, scale, shift, out);
    }

    /**
     * The backward of batch normalisation with batch statistics, {@code y = gamma (x - mean) invStd + beta}: writes
     * {@code gradGamma} and {@code gradBeta} (sums over the batch) and, unless null, {@code gradIn}.
     */
    public final void batchNormBackward(Tensor gradOut, Tensor x, int channels, Tensor mean, Tensor invStd, Tensor gamma,
                                        Tensor gradIn, Tensor gradGamma, Tensor gradBeta) {
        backend.check(gradOut, x, mean, invStd, gamma, gradGamma, gradBeta);
        requireChannels("batchNormBackward", x, channels, mean, invStd, gamma, gradGamma, gradBeta);
        Backend.sameSize("batchNormBackward", x, gradOut);
        if (gradIn != null) {
            backend.check(gradIn);
            Backend.sameSize("batchNormBackward", x, gradIn);
            Backend.distinct("batchNormBackward", gradIn, gradOut, x, mean, invStd, gamma, gradGamma, gradBeta);
        }
        Backend.distinct("batchNormBackward", gradGamma, gradOut, x, mean, invStd, gamma, gradBeta);
        Backend.distinct("batchNormBackward", gradBeta, gradOut, x, mean, invStd, gamma);
        batchNormBackwardKernel(gradOut, x, channels, mean, invStd, gamma, gradIn, gradGamma, gradBeta);
    }

    protected void channelMomentsKernel(Tensor x, int channels, Tensor mean, Tensor variance) {
        float[] m = new float[channels];
        float[] v = new float[channels];
        ImageKernels.channelMoments(x.toArray(), x.rows(), channels, m, v);
        mean.copyFrom(m);
        variance.copyFrom(v);
    }

    protected void channelAffineKernel(Tensor x, int channels, Tensor scale, Tensor shift, Tensor out) {
        float[] y = new float[x.size()];
        ImageKernels.channelAffine(x.toArray(), x.rows(), channels, scale.toArray(), shift.toArray(), y);
        out.copyFrom(y);
    }

    protected void batchNormBackwardKernel(Tensor gradOut, Tensor x, int channels, Tensor mean, Tensor invStd, Tensor gamma,
                                           Tensor gradIn, Tensor gradGamma, Tensor gradBeta) {
        float[] dx = gradIn == null ? null : new float[x.size()];
        float[] dg = new float[channels];
        float[] db = new float[channels];
        ImageKernels.batchNormBackward(gradOut.toArray(), x.toArray(), x.rows(), channels, mean.toArray(), invStd.toArray(),
                gamma.toArray(), dx, dg, db);
        gradGamma.copyFrom(dg);
        gradBeta.copyFrom(db);
        if (dx != null) {
            gradIn.copyFrom(dx);
        }
    }

    // ------------------------------------------------------------------ checks

    private void checkPool(String op, Tensor input, PoolGeometry g, Tensor out) {
        backend.check(input, out);
        requireImages(op, input, g.inputSize(), "input");
        requireImages(op, out, g.outputSize(), op.endsWith("Backward") ? "gradOut" : "out");
        requireRows(op, input, out);
        Backend.distinct(op, out, input);
    }

    private static void requireImages(String op, Tensor t, int features, String what) {
        if (t.cols() != features) {
            throw Backend.shapes(op, what + " needs " + features + " features per row", t);
        }
    }

    private static void requireRows(String op, Tensor a, Tensor b) {
        if (a.rows() != b.rows()) {
            throw Backend.shapes(op, "every image tensor needs the same number of rows", a, b);
        }
    }

    private static void requireWeights(String op, Tensor weight, Tensor bias, ConvGeometry g) {
        if (weight.size() != g.outChannels() * g.patchSize() || weight.dim(0) != g.outChannels()) {
            throw Backend.shapes(op, "weight needs [" + g.outChannels() + ", " + g.patchSize() + "] for " + g, weight);
        }
        if (bias.size() != g.outChannels()) {
            throw Backend.shapes(op, "bias needs " + g.outChannels() + " elements", bias);
        }
    }

    private static void requireChannels(String op, Tensor x, int channels, Tensor... perChannel) {
        if (channels < 1 || x.cols() % channels != 0) {
            throw Backend.shapes(op, "each row's " + x.cols() + " features must split into " + channels + " channels", x);
        }
        for (Tensor t : perChannel) {
            if (t.size() != channels) {
                throw Backend.shapes(op, "per-channel tensors need " + channels + " elements", t);
            }
        }
    }
}
