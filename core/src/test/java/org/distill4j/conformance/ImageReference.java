package org.distill4j.conformance;

import org.distill4j.backend.ConvGeometry;
import org.distill4j.backend.PoolGeometry;

/**
 * The float64 reference of the image ops ({@code ImageOps}), written from their definitions and not from the
 * kernels: a direct convolution loop (no im2col), direct pooling loops, per-channel statistics in two passes, and
 * batch normalisation's backward from its formula. Images are row-major {@code double[]}, one image per row,
 * channel-major ({@code [n][c][y][x]}); a convolution weight is {@code [out][c][ky][kx]}.
 *
 * <p>Each op also returns, per element, the magnitude its rounding errors are measured against (the sum of the
 * absolute values of its terms), from which {@link Tolerances} makes the element's tolerance.
 */
final class ImageReference {
    private ImageReference() {
    }

    /** Values and, per value, the sum of the absolute values of the terms it was made of. */
    record Values(double[] values, double[] magnitudes) {
    }

    // ------------------------------------------------------------------ convolution

    /** {@code out[n][o][oy][ox] = bias[o] + sum over c, ky, kx of w[o][c][ky][kx] * x[n][c][oy s - p + ky][ox s - p + kx]}. */
    static Values conv2d(double[] x, int rows, double[] w, double[] bias, ConvGeometry g) {
        int oh = g.outHeight();
        int ow = g.outWidth();
        double[] out = new double[rows * g.outputSize()];
        double[] magnitude = new double[out.length];
        for (int n = 0; n < rows; n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double sum = bias[o];
                        double abs = Math.abs(bias[o]);
                        for (int c = 0; c < g.channels(); c++) {
                            for (int ky = 0; ky < g.kernel(); ky++) {
                                for (int kx = 0; kx < g.kernel(); kx++) {
                                    int at = pixel(g, n, c, oy * g.stride() - g.padding() + ky, ox * g.stride() - g.padding() + kx);
                                    if (at >= 0) {
                                        double term = w[weight(g, o, c, ky, kx)] * x[at];
                                        sum += term;
                                        abs += Math.abs(term);
                                    }
                                }
                            }
                        }
                        int i = ((n * g.outChannels() + o) * oh + oy) * ow + ox;
                        out[i] = sum;
                        magnitude[i] = abs;
                    }
                }
            }
        }
        return new Values(out, magnitude);
    }

    /** The gradients of {@code L = sum(gradOut * conv2d(x, w, bias))}, each with its magnitudes. */
    record ConvGradients(Values input, Values weight, Values bias) {
    }

    /** The adjoint of {@link #conv2d}: every product of the forward scattered back to the input and the weight. */
    static ConvGradients conv2dBackward(double[] gradOut, double[] x, int rows, double[] w, ConvGeometry g) {
        int oh = g.outHeight();
        int ow = g.outWidth();
        double[] dx = new double[x.length];
        double[] dxAbs = new double[x.length];
        double[] dw = new double[w.length];
        double[] dwAbs = new double[w.length];
        double[] db = new double[g.outChannels()];
        double[] dbAbs = new double[g.outChannels()];
        for (int n = 0; n < rows; n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double dy = gradOut[((n * g.outChannels() + o) * oh + oy) * ow + ox];
                        db[o] += dy;
                        dbAbs[o] += Math.abs(dy);
                        for (int c = 0; c < g.channels(); c++) {
                            for (int ky = 0; ky < g.kernel(); ky++) {
                                for (int kx = 0; kx < g.kernel(); kx++) {
                                    int at = pixel(g, n, c, oy * g.stride() - g.padding() + ky, ox * g.stride() - g.padding() + kx);
                                    if (at >= 0) {
                                        int wi = weight(g, o, c, ky, kx);
                                        dx[at] += dy * w[wi];
                                        dxAbs[at] += Math.abs(dy * w[wi]);
                                        dw[wi] += dy * x[at];
                                        dwAbs[wi] += Math.abs(dy * x[at]);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new ConvGradients(new Values(dx, dxAbs), new Values(dw, dwAbs), new Values(db, dbAbs));
    }

    /** The index of input pixel (y, x) of channel c of image n, or -1 when it lies in the padding. */
    private static int pixel(ConvGeometry g, int n, int c, int y, int x) {
        if (y < 0 || y >= g.height() || x < 0 || x >= g.width()) {
            return -1;
        }
        return ((n * g.channels() + c) * g.height() + y) * g.width() + x;
    }

    private static int weight(ConvGeometry g, int o, int c, int ky, int kx) {
        return ((o * g.channels() + c) * g.kernel() + ky) * g.kernel() + kx;
    }

    // ------------------------------------------------------------------ pooling

    /** The input index of window (plane, oy, ox)'s element (ky, kx); a plane is one channel of one image. */
    private static int windowElement(PoolGeometry g, int plane, int oy, int ox, int ky, int kx) {
        return (plane * g.height() + oy * g.stride() + ky) * g.width() + ox * g.stride() + kx;
    }

    /** For each output of a max pooling, the input index it takes: the first largest value in scan order. */
    static int[] maxPoolArgmax(double[] x, int rows, PoolGeometry g) {
        int[] argmax = new int[rows * g.outputSize()];
        int o = 0;
        for (int plane = 0; plane < rows * g.channels(); plane++) {
            for (int oy = 0; oy < g.outHeight(); oy++) {
                for (int ox = 0; ox < g.outWidth(); ox++) {
                    int best = -1;
                    for (int ky = 0; ky < g.kernelHeight(); ky++) {
                        for (int kx = 0; kx < g.kernelWidth(); kx++) {
                            int at = windowElement(g, plane, oy, ox, ky, kx);
                            if (best < 0 || x[at] > x[best]) {
                                best = at;
                            }
                        }
                    }
                    argmax[o++] = best;
                }
            }
        }
        return argmax;
    }

    static double[] maxPool(double[] x, int rows, PoolGeometry g) {
        int[] argmax = maxPoolArgmax(x, rows, g);
        double[] out = new double[argmax.length];
        for (int o = 0; o < out.length; o++) {
            out[o] = x[argmax[o]];
        }
        return out;
    }

    /** dL/dx of {@code L = sum(gradOut * maxPool(x))}; the magnitudes count how many windows chose each input. */
    static Values maxPoolBackward(double[] gradOut, double[] x, int rows, PoolGeometry g) {
        int[] argmax = maxPoolArgmax(x, rows, g);
        double[] dx = new double[x.length];
        double[] abs = new double[x.length];
        for (int o = 0; o < argmax.length; o++) {
            dx[argmax[o]] += gradOut[o];
            abs[argmax[o]] += Math.abs(gradOut[o]);
        }
        return new Values(dx, abs);
    }

    /** How many windows of {@code g} take each input as their maximum. */
    static int[] maxPoolWinners(double[] x, int rows, PoolGeometry g) {
        int[] count = new int[x.length];
        for (int at : maxPoolArgmax(x, rows, g)) {
            count[at]++;
        }
        return count;
    }

    /** The mean of each window; the magnitude is the mean of the absolute values. */
    static Values avgPool(double[] x, int rows, PoolGeometry g) {
        double n = g.kernelHeight() * g.kernelWidth();
        double[] out = new double[rows * g.outputSize()];
        double[] abs = new double[out.length];
        int o = 0;
        for (int plane = 0; plane < rows * g.channels(); plane++) {
            for (int oy = 0; oy < g.outHeight(); oy++) {
                for (int ox = 0; ox < g.outWidth(); ox++, o++) {
                    for (int ky = 0; ky < g.kernelHeight(); ky++) {
                        for (int kx = 0; kx < g.kernelWidth(); kx++) {
                            double v = x[windowElement(g, plane, oy, ox, ky, kx)];
                            out[o] += v / n;
                            abs[o] += Math.abs(v) / n;
                        }
                    }
                }
            }
        }
        return new Values(out, abs);
    }

    /** dL/dx of {@code L = sum(gradOut * avgPool(x))}: each window's gradient over its size, to every input in it. */
    static Values avgPoolBackward(double[] gradOut, int rows, PoolGeometry g) {
        double n = g.kernelHeight() * g.kernelWidth();
        double[] dx = new double[rows * g.inputSize()];
        double[] abs = new double[dx.length];
        int o = 0;
        for (int plane = 0; plane < rows * g.channels(); plane++) {
            for (int oy = 0; oy < g.outHeight(); oy++) {
                for (int ox = 0; ox < g.outWidth(); ox++, o++) {
                    for (int ky = 0; ky < g.kernelHeight(); ky++) {
                        for (int kx = 0; kx < g.kernelWidth(); kx++) {
                            int at = windowElement(g, plane, oy, ox, ky, kx);
                            dx[at] += gradOut[o] / n;
                            abs[at] += Math.abs(gradOut[o]) / n;
                        }
                    }
                }
            }
        }
        return new Values(dx, abs);
    }

    // ------------------------------------------------------------------ batch normalisation

    /** The index of element s of channel c of row n of a {@code rows x channels*spatial} batch. */
    static int channelElement(int channels, int spatial, int n, int c, int s) {
        return (n * channels + c) * spatial + s;
    }

    /** Per channel: the mean and the biased variance {@code mean((x - mean)^2)} over every row and position. */
    static double[][] channelMoments(double[] x, int rows, int channels) {
        int spatial = x.length / rows / channels;
        double m = (double) rows * spatial;
        double[] mean = new double[channels];
        double[] variance = new double[channels];
        for (int c = 0; c < channels; c++) {
            for (int n = 0; n < rows; n++) {
                for (int s = 0; s < spatial; s++) {
                    mean[c] += x[channelElement(channels, spatial, n, c, s)];
                }
            }
            mean[c] /= m;
            for (int n = 0; n < rows; n++) {
                for (int s = 0; s < spatial; s++) {
                    double d = x[channelElement(channels, spatial, n, c, s)] - mean[c];
                    variance[c] += d * d;
                }
            }
            variance[c] /= m;
        }
        return new double[][] {mean, variance};
    }

    /** {@code scale[c] * x + shift[c]} on every element of channel c. */
    static double[] channelAffine(double[] x, int rows, int channels, double[] scale, double[] shift) {
        int spatial = x.length / rows / channels;
        double[] out = new double[x.length];
        for (int n = 0; n < rows; n++) {
            for (int c = 0; c < channels; c++) {
                for (int s = 0; s < spatial; s++) {
                    int at = channelElement(channels, spatial, n, c, s);
                    out[at] = scale[c] * x[at] + shift[c];
                }
            }
        }
        return out;
    }

    /** {@code 1 / sqrt(variance + eps)} per channel. */
    static double[] invStd(double[] variance, double eps) {
        double[] out = new double[variance.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = 1 / Math.sqrt(variance[c] + eps);
        }
        return out;
    }

    /** Batch normalisation with the batch's own statistics: {@code y = gamma (x - mean) invStd + beta}. */
    static double[] batchNorm(double[] x, int rows, int channels, double[] gamma, double[] beta, double eps) {
        double[][] moments = channelMoments(x, rows, channels);
        double[] invStd = invStd(moments[1], eps);
        double[] scale = new double[channels];
        double[] shift = new double[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = gamma[c] * invStd[c];
            shift[c] = beta[c] - moments[0][c] * scale[c];
        }
        return channelAffine(x, rows, channels, scale, shift);
    }

    /** The gradients of {@code L = sum(gradOut * batchNorm(x))}, the statistics' dependence on x included. */
    record BatchNormGradients(double[] input, double[] gamma, double[] beta) {
    }

    /**
     * From {@code xhat = (x - mean) invStd}, {@code dL/dxhat = gamma dy}, {@code dmean/dx = 1/M} and
     * {@code dinvStd/dx = -invStd^3 (x - mean) / M}: {@code dx = invStd (dxhat - mean(dxhat) - xhat mean(dxhat xhat))},
     * {@code dgamma = sum dy xhat}, {@code dbeta = sum dy}.
     */
    static BatchNormGradients batchNormBackward(double[] gradOut, double[] x, int rows, int channels, double[] mean,
                                                double[] invStd, double[] gamma) {
        int spatial = x.length / rows / channels;
        double m = (double) rows * spatial;
        double[] dx = new double[x.length];
        double[] dgamma = new double[channels];
        double[] dbeta = new double[channels];
        for (int c = 0; c < channels; c++) {
            double sumDxhat = 0;
            double sumDxhatXhat = 0;
            for (int n = 0; n < rows; n++) {
                for (int s = 0; s < spatial; s++) {
                    int at = channelElement(channels, spatial, n, c, s);
                    double xhat = (x[at] - mean[c]) * invStd[c];
                    dbeta[c] += gradOut[at];
                    dgamma[c] += gradOut[at] * xhat;
                    sumDxhat += gamma[c] * gradOut[at];
                    sumDxhatXhat += gamma[c] * gradOut[at] * xhat;
                }
            }
            for (int n = 0; n < rows; n++) {
                for (int s = 0; s < spatial; s++) {
                    int at = channelElement(channels, spatial, n, c, s);
                    double xhat = (x[at] - mean[c]) * invStd[c];
                    dx[at] = invStd[c] * (gamma[c] * gradOut[at] - sumDxhat / m - xhat * sumDxhatXhat / m);
                }
            }
        }
        return new BatchNormGradients(dx, dgamma, dbeta);
    }

    /** {@code sum(r * y)}: the scalar loss whose gradient with respect to y is r. */
    static double dot(double[] r, double[] y) {
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += r[i] * y[i];
        }
        return sum;
    }
}
