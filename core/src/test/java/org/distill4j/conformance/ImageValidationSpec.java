package org.distill4j.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;

import org.distill4j.backend.Backend;
import org.distill4j.backend.ConvGeometry;
import org.distill4j.backend.ImageOps;
import org.distill4j.backend.PoolGeometry;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The image ops' argument checks (shapes that do not match the geometry or each other, per-channel tensors of the
 * wrong size, outputs aliasing inputs, geometries that do not fit) and their determinism: the same call twice gives
 * bit-identical results.
 */
interface ImageValidationSpec extends ConformanceContext {

    /** An image-op call with a scope to make its tensors in. */
    interface Call {
        void run(ImageOps ops, Scope s);
    }

    private DynamicTest rejects(String name, Call call, String... mentions) {
        return rejects(name, IllegalArgumentException.class, call, mentions);
    }

    private <T extends Throwable> DynamicTest rejects(String name, Class<T> type, Call call, String... mentions) {
        return dynamicTest(name, () -> {
            try (Scope s = backend().newScope()) {
                T e = assertThrows(type, () -> call.run(backend().images(), s), name + ": expected " + type.getSimpleName());
                String message = String.valueOf(e.getMessage());
                for (String m : mentions) {
                    assertTrue(message.contains(m), name + ": the message should mention '" + m + "' but was: " + message);
                }
            }
        });
    }

    private static Tensor t(Scope s, int... shape) {
        Tensor x = s.tensor(shape);
        s.backend().fill(x, 0.5f);
        return x;
    }

    /** 1x7x5 images into 2 channels, kernel 3, stride 1, padding 0: 35 features in, 2 x 5 x 3 = 30 out, 9 weights a filter. */
    ConvGeometry CONV = new ConvGeometry(1, 7, 5, 2, 3, 1, 0);
    /** 2x7x7 images, window 2, stride 2: 98 features in, 2 x 3 x 3 = 18 out. */
    PoolGeometry POOL = PoolGeometry.square(2, 7, 7, 2, 2);

    @TestFactory
    @DisplayName("image ops reject shapes that do not match the geometry or each other, naming the op and the shapes")
    default Stream<DynamicTest> imageShapeMismatchesAreRejected() {
        ConvGeometry g = CONV;
        PoolGeometry p = POOL;
        return Stream.of(
                rejects("conv2d input[2x34] for 35 features", (o, s) -> o.conv2d(t(s, 2, 34), t(s, 2, 1, 3, 3), t(s, 2), g, t(s, 2, 30)),
                        "conv2d", "[2, 34]"),
                rejects("conv2d out[2x31] for 30 features", (o, s) -> o.conv2d(t(s, 2, 35), t(s, 2, 1, 3, 3), t(s, 2), g, t(s, 2, 31)),
                        "conv2d", "[2, 31]"),
                rejects("conv2d input of 2 rows, out of 3", (o, s) -> o.conv2d(t(s, 2, 35), t(s, 2, 1, 3, 3), t(s, 2), g, t(s, 3, 30)),
                        "conv2d", "[2, 35]", "[3, 30]"),
                rejects("conv2d weight[2x1x3x2]", (o, s) -> o.conv2d(t(s, 2, 35), t(s, 2, 1, 3, 2), t(s, 2), g, t(s, 2, 30)),
                        "conv2d", "weight", "[2, 1, 3, 2]"),
                rejects("conv2d weight[3x6]: 18 elements but not 2 filters", (o, s) -> o.conv2d(t(s, 2, 35), t(s, 3, 6), t(s, 2), g,
                        t(s, 2, 30)), "conv2d", "weight", "[3, 6]"),
                rejects("conv2d bias[3] for 2 filters", (o, s) -> o.conv2d(t(s, 2, 35), t(s, 2, 9), t(s, 3), g, t(s, 2, 30)),
                        "conv2d", "bias", "[3]"),
                rejects("conv2dBackward gradOut[2x29]", (o, s) -> o.conv2dBackward(t(s, 2, 29), t(s, 2, 35), t(s, 2, 9), g,
                        t(s, 2, 35), t(s, 2, 9), t(s, 2)), "conv2dBackward", "[2, 29]"),
                rejects("conv2dBackward gradInput[3x35] for 2 rows", (o, s) -> o.conv2dBackward(t(s, 2, 30), t(s, 2, 35), t(s, 2, 9), g,
                        t(s, 3, 35), t(s, 2, 9), t(s, 2)), "conv2dBackward", "[3, 35]"),
                rejects("conv2dBackward gradWeight[2x8]", (o, s) -> o.conv2dBackward(t(s, 2, 30), t(s, 2, 35), t(s, 2, 9), g,
                        t(s, 2, 35), t(s, 2, 8), t(s, 2)), "conv2dBackward", "gradWeight", "[2, 8]"),
                rejects("conv2dBackward gradBias[1]", (o, s) -> o.conv2dBackward(t(s, 2, 30), t(s, 2, 35), t(s, 2, 9), g,
                        null, t(s, 2, 9), t(s, 1)), "conv2dBackward", "[1]"),
                rejects("maxPool2d input[2x97] for 98 features", (o, s) -> o.maxPool2d(t(s, 2, 97), p, t(s, 2, 18)), "maxPool2d", "[2, 97]"),
                rejects("maxPool2d out[2x32] for 18 features (a window past the edge counted)",
                        (o, s) -> o.maxPool2d(t(s, 2, 98), p, t(s, 2, 32)), "maxPool2d", "[2, 32]"),
                rejects("maxPool2dBackward gradInput of 1 row for 2", (o, s) -> o.maxPool2dBackward(t(s, 2, 18), t(s, 2, 98), p,
                        t(s, 1, 98)), "maxPool2dBackward", "[1, 98]"),
                rejects("avgPool2d input of 2 rows, out of 1", (o, s) -> o.avgPool2d(t(s, 2, 98), p, t(s, 1, 18)), "avgPool2d",
                        "[2, 98]", "[1, 18]"),
                rejects("avgPool2dBackward gradOut[2x17]", (o, s) -> o.avgPool2dBackward(t(s, 2, 17), p, t(s, 2, 98)),
                        "avgPool2dBackward", "[2, 17]"),
                rejects("channelMoments of 10 features in 3 channels", (o, s) -> o.channelMoments(t(s, 2, 10), 3, t(s, 3), t(s, 3)),
                        "channelMoments", "3 channels", "[2, 10]"),
                rejects("channelMoments with 0 channels", (o, s) -> o.channelMoments(t(s, 2, 10), 0, t(s, 1), t(s, 1)),
                        "channelMoments"),
                rejects("channelMoments variance[3] for 2 channels", (o, s) -> o.channelMoments(t(s, 2, 10), 2, t(s, 2), t(s, 3)),
                        "channelMoments", "[3]"),
                rejects("channelAffine scale[4] for 2 channels", (o, s) -> o.channelAffine(t(s, 2, 10), 2, t(s, 4), t(s, 2),
                        t(s, 2, 10)), "channelAffine", "[4]"),
                rejects("channelAffine out[2x9] for x[2x10]", (o, s) -> o.channelAffine(t(s, 2, 10), 2, t(s, 2), t(s, 2), t(s, 2, 9)),
                        "channelAffine", "[2, 9]"),
                rejects("batchNormBackward gamma[3] for 2 channels", (o, s) -> o.batchNormBackward(t(s, 2, 10), t(s, 2, 10), 2,
                        t(s, 2), t(s, 2), t(s, 3), t(s, 2, 10), t(s, 2), t(s, 2)), "batchNormBackward", "[3]"),
                rejects("batchNormBackward gradOut[2x8] for x[2x10]", (o, s) -> o.batchNormBackward(t(s, 2, 8), t(s, 2, 10), 2,
                        t(s, 2), t(s, 2), t(s, 2), t(s, 2, 10), t(s, 2), t(s, 2)), "batchNormBackward", "[2, 8]"),
                rejects("batchNormBackward gradIn[2x12] for x[2x10]", (o, s) -> o.batchNormBackward(t(s, 2, 10), t(s, 2, 10), 2,
                        t(s, 2), t(s, 2), t(s, 2), t(s, 2, 12), t(s, 2), t(s, 2)), "batchNormBackward", "[2, 12]"),
                rejects("batchNormBackward of 9 features in 2 channels", (o, s) -> o.batchNormBackward(t(s, 2, 9), t(s, 2, 9), 2,
                        t(s, 2), t(s, 2), t(s, 2), null, t(s, 2), t(s, 2)), "batchNormBackward", "[2, 9]"));
    }

    @TestFactory
    @DisplayName("image ops reject an output that is the same tensor as an input")
    default Stream<DynamicTest> imageAliasingIsRejected() {
        ConvGeometry same = new ConvGeometry(1, 5, 5, 1, 3, 1, 1);
        PoolGeometry identity = PoolGeometry.square(1, 5, 5, 1, 1);
        return Stream.of(
                rejects("conv2d with out = input", (o, s) -> {
                    Tensor x = t(s, 2, 25);
                    o.conv2d(x, t(s, 1, 9), t(s, 1), same, x);
                }, "conv2d"),
                rejects("conv2dBackward with gradInput = gradOut", (o, s) -> {
                    Tensor d = t(s, 2, 25);
                    o.conv2dBackward(d, t(s, 2, 25), t(s, 1, 9), same, d, t(s, 1, 9), t(s, 1));
                }, "conv2dBackward"),
                rejects("conv2dBackward with gradWeight = weight", (o, s) -> {
                    Tensor w = t(s, 1, 9);
                    o.conv2dBackward(t(s, 2, 25), t(s, 2, 25), w, same, null, w, t(s, 1));
                }, "conv2dBackward"),
                rejects("maxPool2d with out = input", (o, s) -> {
                    Tensor x = t(s, 2, 25);
                    o.maxPool2d(x, identity, x);
                }, "maxPool2d"),
                rejects("maxPool2dBackward with gradInput = input", (o, s) -> {
                    Tensor x = t(s, 2, 25);
                    o.maxPool2dBackward(t(s, 2, 25), x, identity, x);
                }, "maxPool2dBackward"),
                rejects("avgPool2d with out = input", (o, s) -> {
                    Tensor x = t(s, 2, 25);
                    o.avgPool2d(x, identity, x);
                }, "avgPool2d"),
                rejects("avgPool2dBackward with gradInput = gradOut", (o, s) -> {
                    Tensor d = t(s, 2, 25);
                    o.avgPool2dBackward(d, identity, d);
                }, "avgPool2dBackward"),
                rejects("channelMoments with mean = variance", (o, s) -> {
                    Tensor m = t(s, 2);
                    o.channelMoments(t(s, 2, 10), 2, m, m);
                }, "channelMoments"),
                rejects("channelAffine with out = scale", (o, s) -> {
                    Tensor scale = t(s, 3);
                    o.channelAffine(t(s, 3), 3, scale, t(s, 3), scale);
                }, "channelAffine"),
                rejects("batchNormBackward with gradIn = gradOut", (o, s) -> {
                    Tensor d = t(s, 2, 10);
                    o.batchNormBackward(d, t(s, 2, 10), 2, t(s, 2), t(s, 2), t(s, 2), d, t(s, 2), t(s, 2));
                }, "batchNormBackward"),
                rejects("batchNormBackward with gradGamma = gamma", (o, s) -> {
                    Tensor gamma = t(s, 2);
                    o.batchNormBackward(t(s, 2, 10), t(s, 2, 10), 2, t(s, 2), t(s, 2), gamma, null, gamma, t(s, 2));
                }, "batchNormBackward"));
    }

    @TestFactory
    @DisplayName("image ops reject null tensors (NullPointerException), closed ones (IllegalStateException) and another backend's")
    default Stream<DynamicTest> imageOpsRejectNullClosedAndForeignTensors() {
        AtomicReference<Backend> other = new AtomicReference<>();
        List<DynamicTest> tests = new ArrayList<>();
        tests.addAll(everyImageOpRejects("a null tensor", NullPointerException.class, s -> null, "null"));
        tests.addAll(everyImageOpRejects("a closed tensor", IllegalStateException.class, s -> {
            Tensor x = s.tensor(2, 35);
            x.close();
            return x;
        }, "closed"));
        tests.addAll(everyImageOpRejects("a tensor of another backend instance", IllegalArgumentException.class, s -> {
            Backend second = other.updateAndGet(b -> b != null ? b : provider().create(config()));
            return s.adopt(second.tensor(2, 35));
        }, "backend"));
        return tests.stream().onClose(() -> {
            if (other.get() != null) {
                other.get().close();
            }
        });
    }

    /** Every image op, called with {@code bad} as its image input and right-sized tensors of this backend elsewhere. */
    private List<DynamicTest> everyImageOpRejects(String what, Class<? extends Throwable> type, Function<Scope, Tensor> bad,
                                                  String mention) {
        ConvGeometry g = CONV;
        PoolGeometry p = PoolGeometry.square(1, 7, 5, 2, 2);
        return List.of(
                rejects("conv2d with " + what, type, (o, s) -> o.conv2d(bad.apply(s), t(s, 2, 9), t(s, 2), g, t(s, 2, 30)), mention),
                rejects("conv2dBackward with " + what, type, (o, s) -> o.conv2dBackward(t(s, 2, 30), bad.apply(s), t(s, 2, 9), g,
                        t(s, 2, 35), t(s, 2, 9), t(s, 2)), mention),
                rejects("maxPool2d with " + what, type, (o, s) -> o.maxPool2d(bad.apply(s), p, t(s, 2, 6)), mention),
                rejects("maxPool2dBackward with " + what, type, (o, s) -> o.maxPool2dBackward(t(s, 2, 6), bad.apply(s), p,
                        t(s, 2, 35)), mention),
                rejects("avgPool2d with " + what, type, (o, s) -> o.avgPool2d(bad.apply(s), p, t(s, 2, 6)), mention),
                rejects("avgPool2dBackward into " + what, type, (o, s) -> o.avgPool2dBackward(t(s, 2, 6), p, bad.apply(s)), mention),
                rejects("channelMoments of " + what, type, (o, s) -> o.channelMoments(bad.apply(s), 5, t(s, 5), t(s, 5)), mention),
                rejects("channelAffine of " + what, type, (o, s) -> o.channelAffine(bad.apply(s), 5, t(s, 5), t(s, 5), t(s, 2, 35)),
                        mention),
                rejects("batchNormBackward with " + what, type, (o, s) -> o.batchNormBackward(t(s, 2, 35), bad.apply(s), 5,
                        t(s, 5), t(s, 5), t(s, 5), t(s, 2, 35), t(s, 5), t(s, 5)), mention));
    }

    @TestFactory
    @DisplayName("ConvGeometry and PoolGeometry reject sizes below 1, negative padding and windows that do not fit")
    default Stream<DynamicTest> geometriesThatDoNotFitAreRejected() {
        return Stream.of(
                rejects("ConvGeometry with 0 channels", (o, s) -> new ConvGeometry(0, 5, 5, 2, 3, 1, 0), "convolution"),
                rejects("ConvGeometry with 0 out channels", (o, s) -> new ConvGeometry(1, 5, 5, 0, 3, 1, 0), "convolution"),
                rejects("ConvGeometry with stride 0", (o, s) -> new ConvGeometry(1, 5, 5, 2, 3, 0, 0), "stride"),
                rejects("ConvGeometry with padding -1", (o, s) -> new ConvGeometry(1, 5, 5, 2, 3, 1, -1), "padding"),
                rejects("ConvGeometry kernel 5 on a 5x3 image without padding", (o, s) -> new ConvGeometry(1, 5, 3, 2, 5, 1, 0),
                        "does not fit"),
                rejects("ConvGeometry kernel 7 on a 4x4 image padded by 1", (o, s) -> new ConvGeometry(1, 4, 4, 2, 7, 1, 1),
                        "does not fit"),
                rejects("ConvGeometry too large", (o, s) -> new ConvGeometry(1 << 16, 1 << 8, 1 << 8, 1, 1, 1, 0), "too large"),
                rejects("PoolGeometry with 0 channels", (o, s) -> PoolGeometry.square(0, 4, 4, 2, 2), "pooling"),
                rejects("PoolGeometry with stride 0", (o, s) -> PoolGeometry.square(1, 4, 4, 2, 0), "stride"),
                rejects("PoolGeometry window 3 on a 2x5 image", (o, s) -> PoolGeometry.square(1, 2, 5, 3, 1), "does not fit"),
                rejects("PoolGeometry window 2x6 on a 5x5 image", (o, s) -> new PoolGeometry(1, 5, 5, 2, 6, 1), "does not fit"),
                rejects("PoolGeometry too large", (o, s) -> PoolGeometry.global(1 << 16, 1 << 8, 1 << 8), "too large"));
    }

    @TestFactory
    @DisplayName("image ops are deterministic: the same call twice gives bit-identical results")
    default Stream<DynamicTest> imageOpsAreDeterministic() {
        ConvGeometry g = new ConvGeometry(3, 9, 7, 4, 3, 1, 1);
        PoolGeometry p = PoolGeometry.square(3, 9, 7, 3, 2);
        int rows = 5;
        int channels = 3;
        int cols = 63;
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(twice("conv2d " + g + ", batch " + rows, (o, s, r) -> {
            Tensor out = s.tensor(rows, g.outputSize());
            o.conv2d(r.apply(new int[] {rows, g.inputSize()}), r.apply(new int[] {4, 27}), r.apply(new int[] {4}), g, out);
            return new Tensor[] {out};
        }));
        tests.add(twice("conv2dBackward " + g + ", batch " + rows, (o, s, r) -> {
            Tensor[] grads = {s.tensor(rows, g.inputSize()), s.tensor(4, 27), s.tensor(4)};
            o.conv2dBackward(r.apply(new int[] {rows, g.outputSize()}), r.apply(new int[] {rows, g.inputSize()}),
                    r.apply(new int[] {4, 27}), g, grads[0], grads[1], grads[2]);
            return grads;
        }));
        tests.add(twice("maxPool2d and maxPool2dBackward " + p + ", batch " + rows, (o, s, r) -> {
            Tensor x = r.apply(new int[] {rows, p.inputSize()});
            Tensor out = s.tensor(rows, p.outputSize());
            Tensor dx = s.tensor(rows, p.inputSize());
            o.maxPool2d(x, p, out);
            o.maxPool2dBackward(r.apply(new int[] {rows, p.outputSize()}), x, p, dx);
            return new Tensor[] {out, dx};
        }));
        tests.add(twice("avgPool2d and avgPool2dBackward " + p + ", batch " + rows, (o, s, r) -> {
            Tensor out = s.tensor(rows, p.outputSize());
            Tensor dx = s.tensor(rows, p.inputSize());
            o.avgPool2d(r.apply(new int[] {rows, p.inputSize()}), p, out);
            o.avgPool2dBackward(r.apply(new int[] {rows, p.outputSize()}), p, dx);
            return new Tensor[] {out, dx};
        }));
        tests.add(twice("channelMoments, channelAffine and batchNormBackward [5x3x21]", (o, s, r) -> {
            Tensor x = r.apply(new int[] {rows, cols});
            Tensor[] results = {s.tensor(channels), s.tensor(channels), s.tensor(rows, cols), s.tensor(rows, cols),
                    s.tensor(channels), s.tensor(channels)};
            o.channelMoments(x, channels, results[0], results[1]);
            o.channelAffine(x, channels, r.apply(new int[] {channels}), r.apply(new int[] {channels}), results[2]);
            o.batchNormBackward(r.apply(new int[] {rows, cols}), x, channels, results[0], r.apply(new int[] {channels}),
                    r.apply(new int[] {channels}), results[3], results[4], results[5]);
            return results;
        }));
        return tests.stream();
    }

    /** An op run on random tensors made by the function it is given; returns its outputs. */
    interface Run {
        Tensor[] run(ImageOps ops, Scope s, Function<int[], Tensor> random);
    }

    private DynamicTest twice(String name, Run run) {
        return dynamicTest(name + ", run twice", () -> {
            float[][] first = once(name, run);
            float[][] second = once(name, run);
            for (int i = 0; i < first.length; i++) {
                Check.bits(name + ", output " + i + " of the second run", 1, first[i], second[i]);
            }
        });
    }

    private float[][] once(String name, Run run) {
        SplittableRandom r = Inputs.random(name);
        try (Scope s = backend().newScope()) {
            Tensor[] outputs = run.run(backend().images(), s,
                    shape -> s.tensor(Inputs.uniform(r, LinearAlgebraSpec.sizeOf(shape), 0.1, 2), shape));
            float[][] values = new float[outputs.length][];
            for (int i = 0; i < outputs.length; i++) {
                values[i] = outputs[i].toArray();
            }
            return values;
        }
    }
}
