package org.distill4j.backend.cpu;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import org.distill4j.backend.Tensor;

/**
 * Measures gemm throughput in GFLOP/s (not a unit test). Build with
 * {@code mvn -q -pl core,backend-cpu -am test-compile}, then run from the repository root:
 * <pre>{@code
 * java --add-modules jdk.incubator.vector \
 *     -cp core/target/classes:backend-cpu/target/classes:backend-cpu/target/test-classes \
 *     org.distill4j.backend.cpu.GemmThroughput [seconds per shape] [simd] [shape filter]
 * }</pre>
 * {@code -Ddistill4j.cpu.tile=8x3} or {@code 5x2} forces the micro-tile.
 * Each shape is first run for 2 s (and at least 200 calls) so C2 compiles the kernels. Prints,
 * per shape and thread count, the median, best and worst wall-clock rate of timed batches
 * of about 20 ms, and the rate per CPU-second of the process over all batches (flops divided by
 * the CPU time all its threads used), which is less disturbed when other processes share the cores.
 */
public final class GemmThroughput {
    private static final long WARM_UP_NANOS = 2_000_000_000L;
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private GemmThroughput() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        boolean simd = args.length <= 1 || Boolean.parseBoolean(args[1]);
        String only = args.length > 2 ? args[2] : "";
        Object[][] shapes = {
                {"NN (128x784)x(784x1200)", false, false, 128, 1200, 784},
                {"NN (128x1200)x(1200x1200)", false, false, 128, 1200, 1200},
                {"NN (128x1200)x(1200x10)", false, false, 128, 10, 1200},
                {"TN (784x128)x(128x1200) dW", true, false, 784, 1200, 128},
                {"NT (128x1200)x(784x1200)^T dX", false, true, 128, 784, 1200},
                {"NT (128x1200)x(1200x1200)^T dX", false, true, 128, 1200, 1200},
                {"NN 1024^3", false, false, 1024, 1024, 1024},
        };
        System.out.println("simd=" + simd + ", " + Runtime.version() + ", " + seconds + " s per measurement after 2 s of warm-up");
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend backend = new CpuBackend(threads, simd, 64L << 20,
                    MicroTile.parse(System.getProperty("distill4j.cpu.tile", "auto")))) {
                System.out.println(backend.describe());
                for (Object[] s : shapes) {
                    if (!((String) s[0]).contains(only)) {
                        continue;
                    }
                    measure(backend, (String) s[0], (Boolean) s[1], (Boolean) s[2], (Integer) s[3], (Integer) s[4],
                            (Integer) s[5], seconds);
                }
            }
        }
    }

    private static void measure(CpuBackend backend, String label, boolean transA, boolean transB, int m, int n, int k,
                                double seconds) {
        try (Tensor a = backend.tensor(Reference.random(1, m * k), transA ? k : m, transA ? m : k);
             Tensor b = backend.tensor(Reference.random(2, k * n), transB ? n : k, transB ? k : n);
             Tensor c = backend.tensor(m, n)) {
            double flops = 2.0 * m * n * k;
            int reps = 1;
            // Warm up until C2 has compiled the kernels: the Vector API is ~100x slower before that.
            long deadline = System.nanoTime() + WARM_UP_NANOS;
            for (int calls = 0; System.nanoTime() < deadline || calls < 200; calls++) {
                backend.gemm(transA, transB, 1f, a, b, 0f, c);
            }
            long t0 = System.nanoTime();
            backend.gemm(transA, transB, 1f, a, b, 0f, c);
            long once = Math.max(1, System.nanoTime() - t0);
            reps = (int) Math.max(1, 0.02e9 / once);
            int batches = (int) Math.max(5, seconds * 1e9 / (once * (double) reps));
            double[] gflops = new double[batches];
            long cpuStart = OS.getProcessCpuTime();
            for (int i = 0; i < batches; i++) {
                long start = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    backend.gemm(transA, transB, 1f, a, b, 0f, c);
                }
                gflops[i] = flops * reps / (System.nanoTime() - start);
            }
            double perCpu = flops * reps * batches / (OS.getProcessCpuTime() - cpuStart);
            Arrays.sort(gflops);
            System.out.printf("  %-32s threads=%d  median %6.1f  best %6.1f  worst %6.1f GFLOP/s"
                            + "  | %6.1f per CPU-second (%d x %d calls)%n",
                    label, backend.threads(), gflops[batches / 2], gflops[batches - 1], gflops[0],
                    perCpu, batches, reps);
        }
    }
}
