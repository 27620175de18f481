package org.distill4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.distill4j.data.Dataset;
import org.distill4j.engine.SyntheticData;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Parameter;
import org.distill4j.nn.Sequential;
import org.distill4j.train.HardLabelObjective;
import org.distill4j.train.TrainConfig;
import org.distill4j.train.Trainer;
import org.junit.jupiter.api.Test;

/** Closed tensors' arrays are reused by the next tensors of their size, within the {@code cpu.poolMiB} bound. */
class TensorPoolingTest {
    @Test
    void aClosedTensorsStorageServesTheNextTensorOfItsSize() {
        try (CpuBackend b = new CpuBackend(1, true)) {
            float[] storage;
            try (Scope s = b.newScope()) {
                storage = ((CpuTensor) s.tensor(3, 5)).data();
                s.tensor(7);
            }
            assertEquals(4L * (15 + 7), b.pooledBytes());
            try (Tensor t = b.tensor(5, 3)) {
                assertTrue(((CpuTensor) t).data() == storage, "same size, other shape: the array is reused");
                assertEquals(4L * 7, b.pooledBytes());
            }
            assertEquals(0, b.liveTensors());
        }
    }

    @Test
    void closingTheBackendDropsThePool() {
        CpuBackend b = new CpuBackend(1, true);
        b.tensor(1000).close();
        assertEquals(4000, b.pooledBytes());
        b.close();
        assertEquals(0, b.pooledBytes());
        b.tensor(10).close();
        assertEquals(0, b.pooledBytes(), "a closed backend keeps nothing");
    }

    @Test
    void poolOptionBoundsTheKeptBytes() {
        try (CpuBackend b = new CpuBackend(BackendConfig.named("cpu").withOption("cpu", "poolMiB", "0"))) {
            b.tensor(100).close();
            assertEquals(0, b.pooledBytes());
        }
        try (CpuBackend b = new CpuBackend(BackendConfig.named("cpu").withOption("cpu", "poolMiB", "1"))) {
            b.tensor(1 << 18).close();
            assertEquals(1 << 20, b.pooledBytes());
            b.tensor((1 << 18) + 1).close();
            assertTrue(b.pooledBytes() <= 1 << 20, "more than the capacity is never kept");
        }
        for (String bad : new String[] {"-1", "lots"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new CpuBackend(BackendConfig.named("cpu").withOption("cpu", "poolMiB", bad)));
            assertTrue(e.getMessage().contains("distill4j.cpu.poolMiB"), e.getMessage());
        }
    }

    @Test
    void maxNormScratchCarriesNothingFromOneCallToTheNext() {
        for (boolean simd : new boolean[] {true, false}) {
            float[] w = Reference.random(6, 7 * 30, 3f);
            float[] fresh;
            try (CpuBackend b = new CpuBackend(1, simd); Tensor t = b.tensor(w, 7, 30)) {
                b.maxNormColumns(t, 1f);
                fresh = t.toArray();
            }
            try (CpuBackend b = new CpuBackend(1, simd);
                 Tensor wide = b.tensor(Reference.random(7, 5 * 50, 3f), 5, 50);
                 Tensor t = b.tensor(w, 7, 30)) {
                b.maxNormColumns(wide, 1f);
                Tensor stale = b.tensor(30);
                b.fill(stale, Float.NaN);
                stale.close();
                b.maxNormColumns(t, 1f);
                assertArrayEquals(fresh, t.toArray(), "simd=" + simd);
            }
        }
    }

    @Test
    void trainingGivesBitIdenticalWeightsWithAndWithoutThePool() {
        for (boolean simd : new boolean[] {true, false}) {
            assertArrayEquals(train(simd, 64L << 20), train(simd, 0), "simd=" + simd);
        }
    }

    /** Two epochs of SGD with dropout and max-norm on a small problem; returns every weight. */
    private static float[] train(boolean simd, long poolBytes) {
        Dataset data = new SyntheticData(5, 6, 30, 5, 1.0).sample(200, 1);
        TrainConfig config = TrainConfig.builder().epochs(2).batchSize(32).learningRate(0.05f).seed(3).build();
        try (CpuBackend b = new CpuBackend(2, simd, poolBytes);
             Sequential model = MlpSpec.parse("30-40-5").withDropout(0.1f, 0.2f).withMaxNorm(2f).build(b, 4)) {
            new Trainer(config).fit(model, data, new HardLabelObjective(), null);
            List<Parameter> params = model.parameters();
            int size = params.stream().mapToInt(p -> p.value().size()).sum();
            float[] all = new float[size];
            int at = 0;
            for (Parameter p : params) {
                float[] v = p.value().toArray();
                System.arraycopy(v, 0, all, at, v.length);
                at += v.length;
            }
            return all;
        }
    }
}
