package org.distill4j.backend.cpu;

import java.util.Arrays;

/**
 * Times the two gemm paths for a few rows (not a unit test), to choose {@link Gemm#SMALL_M}:
 * for each shape and m, the median microseconds per call with B packed and with B streamed,
 * on one and on two threads. Build with {@code mvn -q -pl core,backend-cpu -am test-compile},
 * then run from the repository root on a quiet machine:
 * <pre>{@code
 * java --add-modules jdk.incubator.vector \
 *     -cp core/target/classes:backend-cpu/target/classes:backend-cpu/target/test-classes \
 *     org.distill4j.backend.cpu.SmallGemmLatency [max m]
 * }</pre>
 */
public final class SmallGemmLatency {
    private SmallGemmLatency() {
    }

    public static void main(String[] args) {
        int maxM = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int[][] shapes = {{784, 800}, {800, 800}, {800, 10}, {1200, 1200}};
        System.out.println("us per call, median of 15 batches; packed / streamed > 1 means streaming is faster");
        for (int threads : new int[] {1, 2}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                Gemm packed = new Gemm(pool, 0);
                Gemm streamed = new Gemm(pool, Integer.MAX_VALUE);
                for (boolean transB : new boolean[] {false, true}) {
                    for (int[] kn : shapes) {
                        for (int m = 1; m <= maxM; m++) {
                            int k = kn[0];
                            int n = kn[1];
                            float[] a = Reference.random(1, m * k);
                            float[] b = Reference.random(2, k * n);
                            float[] c = new float[m * n];
                            double p = time(packed, transB, m, n, k, a, b, c);
                            double s = time(streamed, transB, m, n, k, a, b, c);
                            System.out.printf("threads=%d %s m=%2d k=%4d n=%4d  packed %8.1f  streamed %8.1f  ratio %5.2f%n",
                                    threads, transB ? "NT" : "NN", m, k, n, p, s, p / s);
                        }
                    }
                }
            }
        }
    }

    private static double time(Gemm gemm, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = 0; i < 2000; i++) {
            gemm.gemm(false, transB, m, n, k, 1f, a, b, 0f, c);
        }
        double[] us = new double[15];
        for (int batch = 0; batch < us.length; batch++) {
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                gemm.gemm(false, transB, m, n, k, 1f, a, b, 0f, c);
            }
            us[batch] = (System.nanoTime() - start) / 50e3;
        }
        Arrays.sort(us);
        return us[us.length / 2];
    }
}
