package org.distill4j.backend.opencl;

import java.util.Arrays;
import java.util.Random;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.Tensor;

/**
 * Measures gemm throughput in GFLOP/s on the default OpenCL device (not a unit test). Run with the
 * test class path, e.g. {@code java -cp core/target/classes:backend-opencl/target/classes:
 * backend-opencl/target/test-classes:~/.m2/repository/org/jocl/jocl/2.0.5/jocl-2.0.5.jar
 * org.distill4j.backend.opencl.OpenClGemmThroughput [seconds]}; {@code -Ddistill4j.opencl.device=...}
 * picks another device. Prints, per shape and kernel, the median and best of timed batches, each
 * batch ending with {@code synchronize()}.
 */
public final class OpenClGemmThroughput {
    private OpenClGemmThroughput() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        Object[][] shapes = {
                {"NN (128x784)x(784x1200)", false, false, 128, 1200, 784},
                {"NN (128x1200)x(1200x1200)", false, false, 128, 1200, 1200},
                {"TN (784x128)x(128x1200) dW", true, false, 784, 1200, 128},
                {"NT (128x1200)x(1200x1200)^T dX", false, true, 128, 1200, 1200},
        };
        try (OpenClBackend backend = (OpenClBackend) new OpenClBackendProvider().create(BackendConfig.fromEnvironment())) {
            System.out.println(backend.describe() + ", " + seconds + " s per measurement");
            for (boolean tiled : new boolean[]{true, false}) {
                backend.useTiledGemm(tiled);
                for (Object[] s : shapes) {
                    measure(backend, (String) s[0] + (tiled ? " tiled" : " reference"), (Boolean) s[1], (Boolean) s[2],
                            (Integer) s[3], (Integer) s[4], (Integer) s[5], seconds);
                }
            }
        }
    }

    private static void measure(OpenClBackend backend, String label, boolean transA, boolean transB, int m, int n,
                                int k, double seconds) {
        try (Tensor a = backend.tensor(random(1, m * k), transA ? k : m, transA ? m : k);
             Tensor b = backend.tensor(random(2, k * n), transB ? n : k, transB ? k : n);
             Tensor c = backend.tensor(m, n)) {
            double flops = 2.0 * m * n * k;
            backend.gemm(transA, transB, 1f, a, b, 0f, c); // first run compiles the kernel (PoCL)
            backend.synchronize();
            long t0 = System.nanoTime();
            backend.gemm(transA, transB, 1f, a, b, 0f, c);
            backend.synchronize();
            long once = Math.max(1, System.nanoTime() - t0);
            int reps = (int) Math.max(1, 0.02e9 / once);
            int batches = (int) Math.max(5, seconds * 1e9 / (once * (double) reps));
            double[] gflops = new double[batches];
            for (int i = 0; i < batches; i++) {
                long start = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    backend.gemm(transA, transB, 1f, a, b, 0f, c);
                }
                backend.synchronize();
                gflops[i] = flops * reps / (System.nanoTime() - start);
            }
            Arrays.sort(gflops);
            System.out.printf("  %-42s median %7.1f  best %7.1f  worst %7.1f GFLOP/s (%d x %d calls)%n",
                    label, gflops[batches / 2], gflops[batches - 1], gflops[0], batches, reps);
        }
    }

    private static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }
}
