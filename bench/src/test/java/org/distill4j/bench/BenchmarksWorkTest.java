package org.distill4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmarks compute what they claim, on tiny problems and without timing anything: every
 * gemm implementation gives the same product for each transpose case, and the training step,
 * loss and inference benchmarks run and produce finite numbers. (CI runs these; the timings
 * themselves only run from {@code bench/run.sh}.)
 */
class BenchmarksWorkTest {
    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
            "cpu, NN:5x7x3", "cpu, TN:5x7x3", "cpu, NT:5x7x3", "cpu, NN:33x70x51",
            "openblas, NN:5x7x3", "openblas, TN:5x7x3", "openblas, NT:5x7x3", "openblas, TN:33x70x51",
            "ejml, NN:5x7x3", "ejml, TN:5x7x3", "ejml, NT:5x7x3",
            "ejml-mt, NN:5x7x3", "ejml-mt, TN:5x7x3", "ejml-mt, NT:33x70x51"})
    void everyGemmImplementationComputesTheSameProduct(String impl, String shape) throws Exception {
        GemmShape s = GemmShape.parse(shape);
        float[] a = BenchSupport.uniform(s.aRows() * s.aCols(), -1f, 1f, 1);
        float[] b = BenchSupport.uniform(s.bRows() * s.bCols(), -1f, 1f, 2);
        double[] expected = reference(s, a, b);

        GemmBench bench = new GemmBench();
        bench.shape = shape;
        bench.impl = impl;
        bench.threads = 2;
        bench.setUp();
        try {
            bench.gemm();
            float[] c = bench.result();
            assertEquals(expected.length, c.length);
            for (int i = 0; i < c.length; i++) {
                assertEquals(expected[i], c[i], 1e-4 * (1 + Math.abs(expected[i])), impl + " element " + i);
            }
        } finally {
            bench.tearDown();
        }

        NaiveGemmBench naive = new NaiveGemmBench();
        naive.shape = shape;
        naive.setUp();
        float[] c = naive.gemm();
        for (int i = 0; i < c.length; i++) {
            assertEquals(expected[i], c[i], 1e-4 * (1 + Math.abs(expected[i])), "naive element " + i);
        }
    }

    private static double[] reference(GemmShape s, float[] a, float[] b) {
        double[] c = new double[s.m() * s.n()];
        for (int i = 0; i < s.m(); i++) {
            for (int j = 0; j < s.n(); j++) {
                double sum = 0;
                for (int p = 0; p < s.k(); p++) {
                    double x = s.transA() ? a[p * s.m() + i] : a[i * s.k() + p];
                    double y = s.transB() ? b[j * s.k() + p] : b[p * s.n() + j];
                    sum += x * y;
                }
                c[i * s.n() + j] = sum;
            }
        }
        return c;
    }

    @ParameterizedTest(name = "teacher {0}")
    @ValueSource(strings = {"forward", "cached"})
    void distillationStepRunsAndLearns(String teacher) {
        DistillStepBench bench = new DistillStepBench();
        bench.backend = "cpu";
        bench.teacher = teacher;
        bench.threads = 2;
        bench.batch = 128;
        bench.setUp();
        try {
            double first = bench.step();
            double again = first;
            for (int i = 0; i < DistillStepBench.BATCHES; i++) {
                again = bench.step();
            }
            assertTrue(Double.isFinite(first) && Double.isFinite(again), "losses " + first + ", " + again);
            assertTrue(again < first, "the first batch, seen again after one pass over the pool, should have a lower loss: "
                    + first + " -> " + again);
        } finally {
            bench.tearDown();
        }
    }

    @ParameterizedTest(name = "{0} classes")
    @ValueSource(ints = {10, 1000})
    void softTargetLossRuns(int classes) {
        SoftTargetLossBench bench = new SoftTargetLossBench();
        bench.backend = "cpu";
        bench.classes = classes;
        bench.threads = 2;
        bench.setUp();
        try {
            bench.softTargetLoss();
        } finally {
            bench.tearDown();
        }
        assertEquals(4L * (3L * 128 * classes + 1), SoftTargetLossBench.streamedBytes(classes));
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3})
    void peakFmaDoesTheFlopsItClaimsAndConsumesItsChains(int threads) throws Exception {
        assertEquals(PeakFmaBench.FLOPS,
                (long) PeakFmaBench.blocks() * 2 * PeakFmaBench.CHAINS * PeakFmaBench.TRIPS * PeakFmaBench.lanes(),
                "every invocation does FLOPS flops at " + PeakFmaBench.lanes() + " lanes");
        PeakFmaBench bench = new PeakFmaBench();
        bench.threads = threads;
        bench.setUp();
        try {
            // Each chain converges to c / (1 - m) = seed; the sum is finite and positive.
            float one = bench.oneThread();
            float split = bench.threads();
            assertTrue(Float.isFinite(one) && one > 0 && Float.isFinite(split) && split > 0, one + ", " + split);
        } finally {
            bench.tearDown();
        }
    }

    @ParameterizedTest(name = "{0} examples")
    @ValueSource(ints = {1, 1024})
    void inferenceGivesTenLogitsPerExample(int examples) {
        InferenceBench bench = new InferenceBench();
        bench.backend = "cpu";
        bench.examples = examples;
        bench.threads = 2;
        bench.setUp();
        try {
            float[] logits = bench.logits();
            assertEquals(10 * examples, logits.length);
            for (float v : logits) {
                assertTrue(Float.isFinite(v));
            }
        } finally {
            bench.tearDown();
        }
    }
}
