package org.distill4j.conformance;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.distill4j.backend.ConvGeometry;
import org.distill4j.backend.ImageOps;
import org.distill4j.backend.PoolGeometry;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The forward image ops of {@code Backend.images()}: conv2d, maxPool2d, avgPool2d, channelMoments and channelAffine
 * against {@link ImageReference}'s direct float64 loops, on 1 and 3 (and 16) input channels, kernels 1, 3 and 5,
 * strides 1 and 2, padding 0 to 2, non-square images, one-pixel outputs, batches of one and several rows, global
 * pooling and windows that leave an edge unused, with random, large and tied values; and bit-identical results
 * when an op runs twice. Outputs start full of NaN, so every element must be written.
 */
interface ImageSpec extends ConformanceContext {

    /** A convolution and a batch size. */
    record ConvCase(ConvGeometry g, int rows) {
        @Override
        public String toString() {
            return g + ", batch " + rows;
        }
    }

    /** A pooling and a batch size. */
    record PoolCase(PoolGeometry g, int rows) {
        @Override
        public String toString() {
            return g + ", batch " + rows;
        }
    }

    /** {@code rows x channels x spatial} batches for the per-channel ops. */
    List<int[]> CHANNEL_SHAPES = List.of(
            new int[] {1, 1, 1}, new int[] {4, 1, 1}, new int[] {1, 3, 35}, new int[] {5, 2, 12},
            new int[] {2, 16, 9}, new int[] {3, 3, 49}, new int[] {65, 4, 1});

    /** More im2col values than the default kernels unfold at once (1 << 22): the batch is done in parts. */
    ConvCase LARGE_BATCH = new ConvCase(new ConvGeometry(16, 28, 28, 8, 3, 1, 1), 40);

    List<ConvCase> CONV_CASES = List.of(
            new ConvCase(new ConvGeometry(1, 1, 1, 1, 1, 1, 0), 1),
            new ConvCase(new ConvGeometry(1, 5, 5, 2, 3, 1, 0), 3),
            new ConvCase(new ConvGeometry(3, 7, 5, 4, 3, 1, 1), 2),
            new ConvCase(new ConvGeometry(3, 7, 5, 2, 3, 2, 1), 3),
            new ConvCase(new ConvGeometry(1, 6, 6, 3, 5, 1, 2), 2),
            new ConvCase(new ConvGeometry(3, 5, 5, 2, 5, 1, 0), 4),
            new ConvCase(new ConvGeometry(3, 8, 8, 5, 1, 2, 0), 2),
            new ConvCase(new ConvGeometry(1, 7, 7, 2, 5, 2, 2), 1),
            new ConvCase(new ConvGeometry(3, 4, 9, 3, 3, 2, 0), 5),
            new ConvCase(new ConvGeometry(2, 3, 3, 1, 5, 1, 1), 2),
            new ConvCase(new ConvGeometry(16, 10, 10, 16, 3, 1, 1), 2),
            LARGE_BATCH);


    List<PoolCase> POOL_CASES = List.of(
            new PoolCase(PoolGeometry.square(1, 4, 4, 2, 2), 1),
            new PoolCase(PoolGeometry.square(3, 7, 7, 2, 2), 2),
            new PoolCase(PoolGeometry.square(2, 7, 5, 3, 2), 3),
            new PoolCase(PoolGeometry.square(1, 5, 5, 3, 1), 2),
            new PoolCase(new PoolGeometry(2, 6, 5, 3, 2, 2), 2),
            new PoolCase(PoolGeometry.square(2, 9, 9, 3, 3), 2),
            new PoolCase(PoolGeometry.global(4, 7, 5), 3),
            new PoolCase(PoolGeometry.global(1, 1, 1), 1),
            new PoolCase(PoolGeometry.global(3, 6, 6), 1));

    /** The values the forward ops are run on. */
    enum ValueKind {
        RANDOM("random values (uniform +-1)"),
        LARGE("large values (input +-1e4, weight +-1e-2, bias +-1e2; pooling +-1e30)"),
        TIES("ties (values from {-2, -1, 0, 1} and -Float.MAX_VALUE)");

        final String description;

        ValueKind(String description) {
            this.description = description;
        }

        float[] input(SplittableRandom r, int n, boolean pooling) {
            return switch (this) {
                case RANDOM -> Inputs.uniform(r, n, -1, 1);
                case LARGE -> pooling ? Inputs.uniform(r, n, -1e30, 1e30) : Inputs.uniform(r, n, -1e4, 1e4);
                case TIES -> {
                    float[] x = new float[n];
                    for (int i = 0; i < n; i++) {
                        int v = r.nextInt(9);
                        x[i] = v == 8 ? -Float.MAX_VALUE : v % 4 - 2;
                    }
                    yield x;
                }
            };
        }
    }

    static Tensor nan(Scope s, int... shape) {
        Tensor t = s.tensor(shape);
        s.backend().fill(t, Float.NaN);
        return t;
    }

    default ImageOps images() {
        return backend().images();
    }

    // ------------------------------------------------------------------ convolution

    @TestFactory
    @DisplayName("conv2d: out = bias + the direct convolution, for kernels 1, 3, 5, strides 1, 2, padding 0-2, odd images")
    default Stream<DynamicTest> conv2dMatchesDirectConvolution() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ConvCase c : CONV_CASES) {
            for (ValueKind v : new ValueKind[] {ValueKind.RANDOM, ValueKind.LARGE}) {
                String name = "conv2d " + c + ", " + v.description;
                tests.add(dynamicTest(name, () -> checkConv2d(name, c, v, false)));
            }
        }
        ConvCase c = CONV_CASES.get(2);
        String name = "conv2d " + c + ", input [N, C, H, W] and weight [outC, C*k*k] instead of [N, C*H*W] and [outC, C, k, k]";
        tests.add(dynamicTest(name, () -> checkConv2d(name, c, ValueKind.RANDOM, true)));
        return tests.stream();
    }

    private void checkConv2d(String name, ConvCase c, ValueKind v, boolean otherLayout) {
        ConvGeometry g = c.g();
        SplittableRandom r = Inputs.random(name);
        boolean large = v == ValueKind.LARGE;
        float[] x = v.input(r, c.rows() * g.inputSize(), false);
        float[] w = Inputs.uniform(r, g.outChannels() * g.patchSize(), large ? -1e-2 : -1, large ? 1e-2 : 1);
        float[] b = Inputs.uniform(r, g.outChannels(), large ? -1e2 : -1, large ? 1e2 : 1);
        float[] actual = runConv2d(x, c.rows(), w, b, g, otherLayout);
        ImageReference.Values ref = ImageReference.conv2d(Reference.toDouble(x), c.rows(), Reference.toDouble(w),
                Reference.toDouble(b), g);
        double[] tol = new double[ref.values().length];
        for (int i = 0; i < tol.length; i++) {
            tol[i] = Tolerances.convolution(g.patchSize(), ref.magnitudes()[i]);
        }
        Check.close(name, "Tolerances.convolution: gemm bound with k = C k k + 2", g.outputSize(), ref.values(), tol, actual);
    }

    default float[] runConv2d(float[] x, int rows, float[] w, float[] b, ConvGeometry g, boolean otherLayout) {
        try (Scope s = backend().newScope()) {
            Tensor input = otherLayout ? s.tensor(x, rows, g.channels(), g.height(), g.width()) : s.tensor(x, rows, g.inputSize());
            Tensor weight = otherLayout ? s.tensor(w, g.outChannels(), g.patchSize())
                    : s.tensor(w, g.outChannels(), g.channels(), g.kernel(), g.kernel());
            Tensor out = nan(s, rows, g.outputSize());
            images().conv2d(input, weight, s.tensor(b, g.outChannels()), g, out);
            return out.toArray();
        }
    }

    // ------------------------------------------------------------------ pooling

    @TestFactory
    @DisplayName("maxPool2d: each window's largest value, exactly, for square, rectangular, overlapping and global windows")
    default Stream<DynamicTest> maxPool2dTakesEachWindowsMaximum() {
        List<DynamicTest> tests = new ArrayList<>();
        for (PoolCase c : POOL_CASES) {
            for (ValueKind v : ValueKind.values()) {
                String name = "maxPool2d " + c + ", " + v.description;
                tests.add(dynamicTest(name, () -> {
                    float[] x = v.input(Inputs.random(name), c.rows() * c.g().inputSize(), true);
                    float[] actual = runPool(x, c, true);
                    double[] expected = ImageReference.maxPool(Reference.toDouble(x), c.rows(), c.g());
                    Check.close(name, "exact: the maximum is one of the inputs", c.g().outputSize(), expected,
                            new double[expected.length], actual);
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    @DisplayName("avgPool2d: each window's mean, including global average pooling and windows that leave an edge unused")
    default Stream<DynamicTest> avgPool2dTakesEachWindowsMean() {
        List<DynamicTest> tests = new ArrayList<>();
        for (PoolCase c : POOL_CASES) {
            // Not TIES: its -Float.MAX_VALUE entries overflow a float32 window sum although their mean is finite.
            for (ValueKind v : new ValueKind[] {ValueKind.RANDOM, ValueKind.LARGE}) {
                String name = "avgPool2d " + c + ", " + v.description;
                tests.add(dynamicTest(name, () -> {
                    float[] x = v.input(Inputs.random(name), c.rows() * c.g().inputSize(), true);
                    float[] actual = runPool(x, c, false);
                    ImageReference.Values ref = ImageReference.avgPool(Reference.toDouble(x), c.rows(), c.g());
                    int n = c.g().kernelHeight() * c.g().kernelWidth();
                    double[] tol = new double[ref.values().length];
                    for (int i = 0; i < tol.length; i++) {
                        tol[i] = Tolerances.average(n, ref.magnitudes()[i]);
                    }
                    Check.close(name, "Tolerances.average over the window", c.g().outputSize(), ref.values(), tol, actual);
                }));
            }
        }
        return tests.stream();
    }

    default float[] runPool(float[] x, PoolCase c, boolean max) {
        try (Scope s = backend().newScope()) {
            Tensor input = s.tensor(x, c.rows(), c.g().inputSize());
            Tensor out = nan(s, c.rows(), c.g().outputSize());
            if (max) {
                images().maxPool2d(input, c.g(), out);
            } else {
                images().avgPool2d(input, c.g(), out);
            }
            return out.toArray();
        }
    }

    // ------------------------------------------------------------------ per-channel ops

    /** Per-channel batches: random, offset by 1e4 (large mean, unit spread), and constant (variance 0). */
    private static float[] channelBatch(SplittableRandom r, int n, int kind) {
        return switch (kind) {
            case 0 -> Inputs.gaussian(r, n, 2);
            case 1 -> {
                float[] x = Inputs.gaussian(r, n, 1);
                for (int i = 0; i < n; i++) {
                    x[i] += 1e4f;
                }
                yield x;
            }
            default -> {
                float[] x = new float[n];
                java.util.Arrays.fill(x, -3.75f);
                yield x;
            }
        };
    }

    String[] CHANNEL_KINDS = {"random (sigma 2)", "offset 1e4 with unit spread", "constant -3.75 (variance 0)"};

    @TestFactory
    @DisplayName("channelMoments: per channel, the mean and the biased variance over every row and position")
    default Stream<DynamicTest> channelMomentsAreMeanAndBiasedVariance() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int[] shape : CHANNEL_SHAPES) {
            for (int kind = 0; kind < CHANNEL_KINDS.length; kind++) {
                int k = kind;
                int rows = shape[0];
                int channels = shape[1];
                String name = "channelMoments " + Inputs.shape(shape) + " (rows x channels x positions), " + CHANNEL_KINDS[kind];
                tests.add(dynamicTest(name, () -> {
                    float[] x = channelBatch(Inputs.random(name), rows * channels * shape[2], k);
                    float[] mean;
                    float[] variance;
                    try (Scope s = backend().newScope()) {
                        Tensor m = nan(s, channels);
                        Tensor v = nan(s, channels);
                        images().channelMoments(s.tensor(x, rows, channels * shape[2]), channels, m, v);
                        mean = m.toArray();
                        variance = v.toArray();
                    }
                    double[] dx = Reference.toDouble(x);
                    double[][] ref = ImageReference.channelMoments(dx, rows, channels);
                    long count = (long) rows * shape[2];
                    double[][] abs = ImageReference.channelMoments(Reference.absolute(dx), rows, channels);
                    double[] meanTol = new double[channels];
                    double[] varTol = new double[channels];
                    for (int c = 0; c < channels; c++) {
                        meanTol[c] = Tolerances.average(count, abs[0][c]);
                        double magnitude = 0;
                        for (int n = 0; n < rows; n++) {
                            for (int p = 0; p < shape[2]; p++) {
                                double d = Math.abs(dx[ImageReference.channelElement(channels, shape[2], n, c, p)] - ref[0][c])
                                        + Math.abs(ref[0][c]);
                                magnitude += d * d / count;
                            }
                        }
                        varTol[c] = Tolerances.channelVariance(count, magnitude);
                    }
                    Check.close(name + ", mean", "Tolerances.average over the channel", channels, ref[0], meanTol, mean);
                    Check.close(name + ", variance", "Tolerances.channelVariance", channels, ref[1], varTol, variance);
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    @DisplayName("channelAffine: out = scale[c] x + shift[c] on every element of channel c, into another tensor or in place")
    default Stream<DynamicTest> channelAffineScalesAndShiftsEachChannel() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int[] shape : CHANNEL_SHAPES) {
            for (boolean inPlace : new boolean[] {false, true}) {
                int rows = shape[0];
                int channels = shape[1];
                int cols = channels * shape[2];
                String name = "channelAffine " + Inputs.shape(shape) + (inPlace ? ", out = x" : "") + ", x +-1e3, scale +-10";
                tests.add(dynamicTest(name, () -> {
                    SplittableRandom r = Inputs.random(name);
                    float[] x = Inputs.uniform(r, rows * cols, -1e3, 1e3);
                    float[] scale = Inputs.uniform(r, channels, -10, 10);
                    float[] shift = Inputs.uniform(r, channels, -1e3, 1e3);
                    float[] actual;
                    try (Scope s = backend().newScope()) {
                        Tensor in = s.tensor(x, rows, cols);
                        Tensor out = inPlace ? in : nan(s, rows, cols);
                        images().channelAffine(in, channels, s.tensor(scale, channels), s.tensor(shift, channels), out);
                        actual = out.toArray();
                    }
                    double[] expected = ImageReference.channelAffine(Reference.toDouble(x), rows, channels,
                            Reference.toDouble(scale), Reference.toDouble(shift));
                    double[] tol = new double[expected.length];
                    for (int i = 0; i < tol.length; i++) {
                        int c = (i % cols) / shape[2];
                        tol[i] = Tolerances.elementwise(Math.abs((double) scale[c] * x[i]) + Math.abs(shift[c]));
                    }
                    Check.close(name, "Tolerances.elementwise", cols, expected, tol, actual);
                }));
            }
        }
        return tests.stream();
    }
}
