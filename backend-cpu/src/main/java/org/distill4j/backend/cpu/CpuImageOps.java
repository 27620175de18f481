package org.distill4j.backend.cpu;

import org.distill4j.backend.ConvGeometry;
import org.distill4j.backend.ImageKernels;
import org.distill4j.backend.ImageOps;
import org.distill4j.backend.PoolGeometry;
import org.distill4j.backend.Tensor;

/**
 * The CPU backend's image ops: the loops of {@link ImageKernels} on the tensors' own arrays (no copies), split by
 * image (or, for batch norm, by channel) across the worker pool, and convolutions as im2col and this backend's gemm. Each image's values are computed
 * by one thread in a fixed order, and sums over images (the weight and bias gradients) run in image order, so results
 * are the same for any thread count.
 */
final class CpuImageOps extends ImageOps {
    private final CpuBackend cpu;
    private final WorkerPool pool;
    private final ArrayPool arrays;

    CpuImageOps(CpuBackend backend, WorkerPool pool, ArrayPool arrays) {
        super(backend);
        this.cpu = backend;
        this.pool = pool;
        this.arrays = arrays;
    }

    /** A loop over images {@code [from, to)}. */
    private interface Images {
        void run(int from, int to);
    }

    /** Runs {@code body} over {@code [0, count)} images, in as many parts as threads when there are enough images. */
    private void split(int count, Images body) {
        int parts = Math.min(pool.threads(), count);
        if (parts <= 1) {
            body.run(0, count);
            return;
        }
        pool.run(parts, part -> body.run((int) ((long) count * part / parts), (int) ((long) count * (part + 1) / parts)));
    }

    @Override
    protected void conv2dKernel(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor out) {
        int rows = input.rows();
        int pixels = g.outPixels();
        int patch = g.patchSize();
        int oc = g.outChannels();
        int part = partSize(g, rows);
        float[] x = CpuBackend.data(input);
        float[] w = CpuBackend.data(weight);
        float[] b = CpuBackend.data(bias);
        float[] y = CpuBackend.data(out);
        float[] cols = arrays.take(part * pixels * patch);
        float[] pixelRows = arrays.take(part * pixels * oc);
        try {
            for (int first = 0; first < rows; first += part) {
                int count = Math.min(part, rows - first);
                int base = first;
                split(count, (from, to) -> ImageKernels.im2col(x, base + from, to - from, g, cols, from * pixels * patch));
                cpu.gemmArrays(false, true, count * pixels, oc, patch, 1f, cols, w, 0f, pixelRows);
                split(count, (from, to) -> {
                    for (int r = from * pixels; r < to * pixels; r++) {
                        for (int c = 0; c < oc; c++) {
                            pixelRows[r * oc + c] += b[c];
                        }
                    }
                    ImageKernels.pixelRowsToImages(pixelRows, from * pixels * oc, base + from, to - from, oc, pixels, y);
                });
            }
        } finally {
            arrays.give(cols);
            arrays.give(pixelRows);
        }
    }

    @Override
    protected void conv2dBackwardKernel(Tensor gradOut, Tensor input, Tensor weight, ConvGeometry g,
                                        Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        int rows = input.rows();
        int pixels = g.outPixels();
        int patch = g.patchSize();
        int oc = g.outChannels();
        int part = partSize(g, rows);
        float[] x = CpuBackend.data(input);
        float[] dy = CpuBackend.data(gradOut);
        float[] w = CpuBackend.data(weight);
        float[] dw = CpuBackend.data(gradWeight);
        float[] db = CpuBackend.data(gradBias);
        float[] dx = gradInput == null ? null : CpuBackend.data(gradInput);
        float[] cols = arrays.take(part * pixels * patch);
        float[] dyRows = arrays.take(part * pixels * oc);
        java.util.Arrays.fill(db, 0f);
        try {
            for (int first = 0; first < rows; first += part) {
                int count = Math.min(part, rows - first);
                int base = first;
                split(count, (from, to) -> {
                    ImageKernels.im2col(x, base + from, to - from, g, cols, from * pixels * patch);
                    ImageKernels.imagesToPixelRows(dy, base + from, to - from, oc, pixels, dyRows, from * pixels * oc);
                });
                cpu.gemmArrays(true, false, oc, patch, count * pixels, 1f, dyRows, cols, first == 0 ? 0f : 1f, dw);
                for (int r = 0; r < count * pixels; r++) {
                    for (int c = 0; c < oc; c++) {
                        db[c] += dyRows[r * oc + c];
                    }
                }
                if (dx != null) {
                    cpu.gemmArrays(false, false, count * pixels, patch, oc, 1f, dyRows, w, 0f, cols);
                    split(count, (from, to) -> {
                        java.util.Arrays.fill(dx, (base + from) * g.inputSize(), (base + to) * g.inputSize(), 0f);
                        ImageKernels.col2imAdd(cols, from * pixels * patch, base + from, to - from, g, dx);
                    });
                }
            }
        } finally {
            arrays.give(cols);
            arrays.give(dyRows);
        }
    }

    @Override
    protected void maxPool2dKernel(Tensor input, PoolGeometry g, Tensor out) {
        float[] x = CpuBackend.data(input);
        float[] y = CpuBackend.data(out);
        split(input.rows(), (from, to) -> ImageKernels.maxPool(x, from, to, g, y));
    }

    @Override
    protected void maxPool2dBackwardKernel(Tensor gradOut, Tensor input, PoolGeometry g, Tensor gradInput) {
        float[] dy = CpuBackend.data(gradOut);
        float[] x = CpuBackend.data(input);
        float[] dx = CpuBackend.data(gradInput);
        split(input.rows(), (from, to) -> ImageKernels.maxPoolBackward(dy, x, from, to, g, dx));
    }

    @Override
    protected void avgPool2dKernel(Tensor input, PoolGeometry g, Tensor out) {
        float[] x = CpuBackend.data(input);
        float[] y = CpuBackend.data(out);
        split(input.rows(), (from, to) -> ImageKernels.avgPool(x, from, to, g, y));
    }

    @Override
    protected void avgPool2dBackwardKernel(Tensor gradOut, PoolGeometry g, Tensor gradInput) {
        float[] dy = CpuBackend.data(gradOut);
        float[] dx = CpuBackend.data(gradInput);
        split(gradOut.rows(), (from, to) -> ImageKernels.avgPoolBackward(dy, from, to, g, dx));
    }

    @Override
    protected void channelMomentsKernel(Tensor x, int channels, Tensor mean, Tensor variance) {
        float[] xs = CpuBackend.data(x);
        float[] m = CpuBackend.data(mean);
        float[] v = CpuBackend.data(variance);
        int spatial = x.cols() / channels;
        split(channels, (from, to) -> ImageKernels.channelMoments(xs, x.rows(), channels, spatial, from, to, m, v));
    }

    @Override
    protected void channelAffineKernel(Tensor x, int channels, Tensor scale, Tensor shift, Tensor out) {
        float[] xs = CpuBackend.data(x);
        float[] a = CpuBackend.data(scale);
        float[] b = CpuBackend.data(shift);
        float[] y = CpuBackend.data(out);
        int spatial = x.cols() / channels;
        split(x.rows(), (from, to) -> {
            for (int n = from; n < to; n++) {
                for (int c = 0; c < channels; c++) {
                    int at = (n * channels + c) * spatial;
                    for (int s = 0; s < spatial; s++) {
                        y[at + s] = a[c] * xs[at + s] + b[c];
                    }
                }
            }
        });
    }

    @Override
    protected void batchNormBackwardKernel(Tensor gradOut, Tensor x, int channels, Tensor mean, Tensor invStd, Tensor gamma,
                                           Tensor gradIn, Tensor gradGamma, Tensor gradBeta) {
        float[] dy = CpuBackend.data(gradOut);
        float[] xs = CpuBackend.data(x);
        float[] m = CpuBackend.data(mean);
        float[] s = CpuBackend.data(invStd);
        float[] g = CpuBackend.data(gamma);
        float[] dx = gradIn == null ? null : CpuBackend.data(gradIn);
        float[] dg = CpuBackend.data(gradGamma);
        float[] db = CpuBackend.data(gradBeta);
        int spatial = x.cols() / channels;
        split(channels, (from, to) -> ImageKernels.batchNormBackward(dy, xs, x.rows(), channels, spatial, from, to, m, s, g, dx,
                dg, db));
    }
}
