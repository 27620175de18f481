package org.distill4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.distill4j.backend.Backend;
import org.distill4j.backend.ConvGeometry;
import org.distill4j.backend.ImageOps;
import org.distill4j.backend.PoolGeometry;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's own image kernels against the default ones every backend inherits (which the conformance suite
 * checks against float64 references), and the CPU promise: the same bits for any thread count.
 */
class CpuImageOpsTest {
    private static final List<ConvGeometry> CONVS = List.of(
            new ConvGeometry(1, 28, 28, 8, 3, 1, 1),
            new ConvGeometry(3, 7, 5, 4, 3, 2, 0),
            new ConvGeometry(16, 14, 14, 32, 3, 1, 1),
            new ConvGeometry(2, 6, 6, 3, 5, 1, 2));

    /** Every output of one forward and backward through conv, pools and batch norm, as arrays. */
    private static List<float[]> run(Backend backend, Function<Backend, ImageOps> ops, ConvGeometry g, int rows) {
        SplittableRandom r = new SplittableRandom(g.hashCode());
        List<float[]> results = new ArrayList<>();
        try (Scope s = backend.newScope()) {
            ImageOps images = ops.apply(backend);
            Tensor x = s.tensor(gaussian(r, rows * g.inputSize()), rows, g.inputSize());
            Tensor w = s.tensor(gaussian(r, g.outChannels() * g.patchSize()), g.outChannels(), g.channels(), g.kernel(), g.kernel());
            Tensor b = s.tensor(gaussian(r, g.outChannels()), g.outChannels());
            Tensor y = s.tensor(rows, g.outputSize());
            images.conv2d(x, w, b, g, y);
            Tensor dy = s.tensor(gaussian(r, rows * g.outputSize()), rows, g.outputSize());
            Tensor dx = s.tensor(rows, g.inputSize());
            Tensor dw = s.tensor(g.outChannels(), g.patchSize());
            Tensor db = s.tensor(g.outChannels());
            images.conv2dBackward(dy, x, w, g, dx, dw, db);
            results.add(y.toArray());
            results.add(dx.toArray());
            results.add(dw.toArray());
            results.add(db.toArray());

            PoolGeometry p = PoolGeometry.square(g.outChannels(), g.outHeight(), g.outWidth(), 2, 2);
            Tensor pooled = s.tensor(rows, p.outputSize());
            Tensor back = s.tensor(rows, p.inputSize());
            Tensor dp = s.tensor(gaussian(r, rows * p.outputSize()), rows, p.outputSize());
            images.maxPool2d(y, p, pooled);
            images.maxPool2dBackward(dp, y, p, back);
            results.add(pooled.toArray());
            results.add(back.toArray());
            images.avgPool2d(y, p, pooled);
            images.avgPool2dBackward(dp, p, back);
            results.add(pooled.toArray());
            results.add(back.toArray());

            int c = g.outChannels();
            Tensor mean = s.tensor(c);
            Tensor variance = s.tensor(c);
            images.channelMoments(y, c, mean, variance);
            Tensor invStd = s.tensor(gaussian(r, c), c);
            Tensor gamma = s.tensor(gaussian(r, c), c);
            Tensor bn = s.tensor(rows, g.outputSize());
            images.channelAffine(y, c, gamma, invStd, bn);
            Tensor gIn = s.tensor(rows, g.outputSize());
            Tensor gGamma = s.tensor(c);
            Tensor gBeta = s.tensor(c);
            images.batchNormBackward(dy, y, c, mean, invStd, gamma, gIn, gGamma, gBeta);
            results.add(mean.toArray());
            results.add(variance.toArray());
            results.add(bn.toArray());
            results.add(gIn.toArray());
            results.add(gGamma.toArray());
            results.add(gBeta.toArray());
        }
        return results;
    }

    private static float[] gaussian(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    @DisplayName("the CPU image kernels agree with the default kernels every backend inherits")
    void agreeWithTheDefaultKernels() {
        try (CpuBackend backend = new CpuBackend(2, true)) {
            for (ConvGeometry g : CONVS) {
                List<float[]> fast = run(backend, Backend::images, g, 5);
                List<float[]> plain = run(backend, b -> new ImageOps(b) { }, g, 5);
                for (int i = 0; i < fast.size(); i++) {
                    float[] f = fast.get(i);
                    float[] p = plain.get(i);
                    assertEquals(p.length, f.length);
                    for (int e = 0; e < f.length; e++) {
                        double tolerance = 1e-5 * Math.max(1, Math.abs(p[e])) * Math.sqrt(g.patchSize() * 5.0 * g.outPixels());
                        assertEquals(p[e], f[e], tolerance, g + ", result " + i + ", element " + e);
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("the CPU image kernels give the same bits with 1, 2 and 3 threads")
    void sameBitsForAnyThreadCount() {
        for (ConvGeometry g : CONVS) {
            List<float[]> one;
            try (CpuBackend b = new CpuBackend(1, true)) {
                one = run(b, Backend::images, g, 7);
            }
            for (int threads : new int[] {2, 3}) {
                try (CpuBackend b = new CpuBackend(threads, true)) {
                    List<float[]> many = run(b, Backend::images, g, 7);
                    for (int i = 0; i < one.size(); i++) {
                        assertArrayEquals(one.get(i), many.get(i), g + ", result " + i + ", " + threads + " threads");
                    }
                }
            }
        }
    }
}
