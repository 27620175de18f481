package org.distill4j.backend;

/**
 * The image ops of {@link ImageOps} as plain loops over row-major float arrays (one image per row, channel-major).
 * They are the default kernels of every backend and the reference a faster kernel is read against. Each loop runs
 * in a fixed order, so results do not depend on threads.
 */
public final class ImageKernels {
    private ImageKernels() {
    }

    /**
     * Unfolds images {@code first .. first+count-1} of {@code input} into {@code cols} from {@code colsAt}: one row per
     * output pixel ({@code count * outPixels} rows, image by image), one column per filter weight ({@code patchSize},
     * ordered channel, kernel row, kernel column); taps that fall in the padding are 0.
     */
    public static void im2col(float[] input, int first, int count, ConvGeometry g, float[] cols, int colsAt) {
        int k = g.kernel();
        int oh = g.outHeight();
        int ow = g.outWidth();
        int patch = g.patchSize();
        int row = 0;
        for (int n = first; n < first + count; n++) {
            int image = n * g.inputSize();
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++, row++) {
                    int at = colsAt + row * patch;
                    for (int c = 0; c < g.channels(); c++) {
                        int plane = image + c * g.height() * g.width();
                        for (int ky = 0; ky < k; ky++) {
                            int y = oy * g.stride() - g.padding() + ky;
                            int x0 = ox * g.stride() - g.padding();
                            int lo = y < 0 || y >= g.height() ? k : Math.max(0, -x0);
                            int hi = y < 0 || y >= g.height() ? k : Math.min(k, g.width() - x0);
                            int line = plane + y * g.width() + x0;
                            for (int kx = 0; kx < k; kx++) {
                                cols[at + kx] = kx >= lo && kx < hi ? input[line + kx] : 0f;
                            }
                            at += k;
                        }
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: adds each column value back onto the input pixel it was read from. */
    public static void col2imAdd(float[] cols, int colsAt, int first, int count, ConvGeometry g, float[] gradInput) {
        int k = g.kernel();
        int oh = g.outHeight();
        int ow = g.outWidth();
        int patch = g.patchSize();
        int row = 0;
        for (int n = first; n < first + count; n++) {
            int image = n * g.inputSize();
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++, row++) {
                    int at = colsAt + row * patch;
                    for (int c = 0; c < g.channels(); c++) {
                        int plane = image + c * g.height() * g.width();
                        for (int ky = 0; ky < k; ky++) {
                            int y = oy * g.stride() - g.padding() + ky;
                            int x0 = ox * g.stride() - g.padding();
                            if (y >= 0 && y < g.height()) {
                                int hi = Math.min(k, g.width() - x0);
                                int line = plane + y * g.width() + x0;
                                for (int kx = Math.max(0, -x0); kx < hi; kx++) {
                                    gradInput[line + kx] += cols[at + kx];
                                }
                            }
                            at += k;
                        }
                    }
                }
            }
        }
    }

    /**
     * Moves {@code [count * pixels, channels]} (pixel rows from {@code rowsAt}, as a gemm over {@link #im2col} makes
     * them) to {@code [count, channels * pixels]} (image rows, channel-major) at image {@code first} of {@code images}.
     */
    public static void pixelRowsToImages(float[] pixelRows, int rowsAt, int first, int count, int channels, int pixels,
                                         float[] images) {
        for (int n = 0; n < count; n++) {
            int image = (first + n) * channels * pixels;
            for (int p = 0; p < pixels; p++) {
                int row = rowsAt + (n * pixels + p) * channels;
                for (int c = 0; c < channels; c++) {
                    images[image + c * pixels + p] = pixelRows[row + c];
                }
            }
        }
    }

    /** The inverse of {@link #pixelRowsToImages}: images {@code first .. first+count-1} as pixel rows from {@code rowsAt}. */
    public static void imagesToPixelRows(float[] images, int first, int count, int channels, int pixels, float[] pixelRows,
                                         int rowsAt) {
        for (int n = 0; n < count; n++) {
            int image = (first + n) * channels * pixels;
            for (int p = 0; p < pixels; p++) {
                int row = rowsAt + (n * pixels + p) * channels;
                for (int c = 0; c < channels; c++) {
                    pixelRows[row + c] = images[image + c * pixels + p];
                }
            }
        }
    }

    /** Max over each window of rows {@code from .. to-1}; the first largest value in scan order wins a tie. */
    public static void maxPool(float[] input, int from, int to, PoolGeometry g, float[] out) {
        int oh = g.outHeight();
        int ow = g.outWidth();
        int o = from * g.outputSize();
        for (int plane = from * g.channels(); plane < to * g.channels(); plane++) {
            int base = plane * g.height() * g.width();
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    out[o++] = input[base + argmaxInWindow(input, base, oy, ox, g)];
                }
            }
        }
    }

    /** For rows {@code from .. to-1}: each window's gradient on the input {@link #maxPool} took (first largest). */
    public static void maxPoolBackward(float[] gradOut, float[] input, int from, int to, PoolGeometry g, float[] gradInput) {
        java.util.Arrays.fill(gradInput, from * g.inputSize(), to * g.inputSize(), 0f);
        int oh = g.outHeight();
        int ow = g.outWidth();
        int o = from * g.outputSize();
        for (int plane = from * g.channels(); plane < to * g.channels(); plane++) {
            int base = plane * g.height() * g.width();
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    gradInput[base + argmaxInWindow(input, base, oy, ox, g)] += gradOut[o++];
                }
            }
        }
    }

    private static int argmaxInWindow(float[] input, int base, int oy, int ox, PoolGeometry g) {
        int best = (oy * g.stride()) * g.width() + ox * g.stride();
        for (int ky = 0; ky < g.kernelHeight(); ky++) {
            for (int kx = 0; kx < g.kernelWidth(); kx++) {
                int at = (oy * g.stride() + ky) * g.width() + ox * g.stride() + kx;
                if (input[base + at] > input[base + best]) {
                    best = at;
                }
            }
        }
        return best;
    }

    /** The mean of each window of rows {@code from .. to-1}, summed in float64 (so windows of huge values do not overflow). */
    public static void avgPool(float[] input, int from, int to, PoolGeometry g, float[] out) {
        int oh = g.outHeight();
        int ow = g.outWidth();
        double scale = 1.0 / (g.kernelHeight() * g.kernelWidth());
        int o = from * g.outputSize();
        for (int plane = from * g.channels(); plane < to * g.channels(); plane++) {
            int base = plane * g.height() * g.width();
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double sum = 0;
                    for (int ky = 0; ky < g.kernelHeight(); ky++) {
                        int line = base + (oy * g.stride() + ky) * g.width() + ox * g.stride();
                        for (int kx = 0; kx < g.kernelWidth(); kx++) {
                            sum += input[line + kx];
                        }
                    }
                    out[o++] = (float) (sum * scale);
                }
            }
        }
    }

    /** For rows {@code from .. to-1}: each window's gradient, divided by its size, added to each input in it. */
    public static void avgPoolBackward(float[] gradOut, int from, int to, PoolGeometry g, float[] gradInput) {
        java.util.Arrays.fill(gradInput, from * g.inputSize(), to * g.inputSize(), 0f);
        int oh = g.outHeight();
        int ow = g.outWidth();
        float scale = 1f / (g.kernelHeight() * g.kernelWidth());
        int o = from * g.outputSize();
        for (int plane = from * g.channels(); plane < to * g.channels(); plane++) {
            int base = plane * g.height() * g.width();
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float share = gradOut[o++] * scale;
                    for (int ky = 0; ky < g.kernelHeight(); ky++) {
                        int line = base + (oy * g.stride() + ky) * g.width() + ox * g.stride();
                        for (int kx = 0; kx < g.kernelWidth(); kx++) {
                            gradInput[line + kx] += share;
                        }
                    }
                }
            }
        }
    }

    /**
     * Per channel of {@code x} ({@code rows x channels*spatial}): the mean and the biased variance over all rows and
     * positions, in float64 (two passes: the mean, then squared deviations from it).
     */
    public static void channelMoments(float[] x, int rows, int channels, float[] mean, float[] variance) {
        channelMoments(x, rows, channels, x.length / rows / channels, 0, channels, mean, variance);
    }

    /** {@link #channelMoments} of channels {@code from .. to-1}, rows of {@code channels * spatial} values. */
    public static void channelMoments(float[] x, int rows, int channels, int spatial, int from, int to, float[] mean,
                                      float[] variance) {
        double count = (double) rows * spatial;
        for (int c = from; c < to; c++) {
            double sum = 0;
            for (int n = 0; n < rows; n++) {
                int at = (n * channels + c) * spatial;
                for (int s = 0; s < spatial; s++) {
                    sum += x[at + s];
                }
            }
            double mu = sum / count;
            double squares = 0;
            for (int n = 0; n < rows; n++) {
                int at = (n * channels + c) * spatial;
                for (int s = 0; s < spatial; s++) {
                    double d = x[at + s] - mu;
                    squares += d * d;
                }
            }
            mean[c] = (float) mu;
            variance[c] = (float) (squares / count);
        }
    }

    /** {@code out = scale[c] * x + shift[c]} for every element of channel {@code c}. */
    public static void channelAffine(float[] x, int rows, int channels, float[] scale, float[] shift, float[] out) {
        int spatial = x.length / rows / channels;
        for (int n = 0; n < rows; n++) {
            for (int c = 0; c < channels; c++) {
                int at = (n * channels + c) * spatial;
                for (int s = 0; s < spatial; s++) {
                    out[at + s] = scale[c] * x[at + s] + shift[c];
                }
            }
        }
    }

    /**
     * The batch-norm backward of {@code y = gamma (x - mean) invStd + beta} with batch statistics: per channel
     * {@code gradBeta = sum dy}, {@code gradGamma = sum dy xhat} (float64 sums), and, when {@code gradIn} is not null,
     * {@code dx = gamma invStd (dy - gradBeta / M - xhat gradGamma / M)} over the {@code M} values of the channel.
     */
    public static void batchNormBackward(float[] gradOut, float[] x, int rows, int channels, float[] mean, float[] invStd,
                                         float[] gamma, float[] gradIn, float[] gradGamma, float[] gradBeta) {
        batchNormBackward(gradOut, x, rows, channels, x.length / rows / channels, 0, channels, mean, invStd, gamma, gradIn,
                gradGamma, gradBeta);
    }

    /** {@link #batchNormBackward} of channels {@code from .. to-1}, rows of {@code channels * spatial} values. */
    public static void batchNormBackward(float[] gradOut, float[] x, int rows, int channels, int spatial, int from, int to,
                                         float[] mean, float[] invStd, float[] gamma, float[] gradIn, float[] gradGamma,
                                         float[] gradBeta) {
        double count = (double) rows * spatial;
        for (int c = from; c < to; c++) {
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int n = 0; n < rows; n++) {
                int at = (n * channels + c) * spatial;
                for (int s = 0; s < spatial; s++) {
                    double xhat = (x[at + s] - mean[c]) * (double) invStd[c];
                    sumDy += gradOut[at + s];
                    sumDyXhat += gradOut[at + s] * xhat;
                }
            }
            gradBeta[c] = (float) sumDy;
            gradGamma[c] = (float) sumDyXhat;
            if (gradIn == null) {
                continue;
            }
            double meanDy = sumDy / count;
            double meanDyXhat = sumDyXhat / count;
            double factor = (double) gamma[c] * invStd[c];
            for (int n = 0; n < rows; n++) {
                int at = (n * channels + c) * spatial;
                for (int s = 0; s < spatial; s++) {
                    double xhat = (x[at + s] - mean[c]) * (double) invStd[c];
                    gradIn[at + s] = (float) (factor * (gradOut[at + s] - meanDy - xhat * meanDyXhat));
                }
            }
        }
    }
}
