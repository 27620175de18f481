package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendProvider;
import org.distill4j.data.Dataset;
import org.distill4j.distill.DistillConfig;
import org.distill4j.distill.DistillationObjective;
import org.distill4j.distill.TeacherLogits;
import org.distill4j.io.ModelFile;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Classifier;
import org.distill4j.train.HardLabelObjective;
import org.distill4j.train.Inference;
import org.distill4j.train.TrainConfig;
import org.distill4j.train.Trainer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded loop (a few seconds) of everything a long run repeats: training with SGD and Adam, distillation,
 * evaluation, teacher logits, inference, loading and closing a {@link Classifier}. After every round the backend's
 * open tensors are back to where they started, the device buffers (where a backend can count them) stop growing
 * once its pool has warmed up, and the used heap after a garbage collection stays flat. A backend module runs it
 * with a one-line subclass.
 */
public abstract class LeakSuite extends BackendSuite {
    private static final SyntheticData PROBLEM = new SyntheticData(11, 8, 40, 10, 1.0);
    private static final long LOOP_NANOS = 4_000_000_000L;
    private static final int MIN_ROUNDS = 6;
    private static final int WARM_UP_ROUNDS = 2;
    private static final long HEAP_SLACK_BYTES = 2L << 20;


    protected LeakSuite(BackendProvider provider, BackendConfig config) {
        super("leak suite", provider, config);
    }

    /** Device buffers the backend holds (in use or pooled), or -1 where it cannot say. */
    protected long deviceBuffers() {
        return -1;
    }


    /** One round: every kind of work, each model closed at the end. */
    private void round(int i, Dataset train, Dataset test, Path modelFile) throws Exception {
        TrainConfig sgd = TrainConfig.builder().epochs(1).batchSize(50).learningRate(0.05f).gradClipNorm(5f).seed(i).build();
        TrainConfig adam = sgd.toBuilder().optimizer(TrainConfig.OptimizerKind.ADAM).learningRate(1e-3f).build();
        try (Sequential teacher = MlpSpec.parse("40-64-10").withDropout(0.1f, 0.3f).withMaxNorm(3f).build(backend, i);
             Sequential student = MlpSpec.parse("40-16-10").build(backend, i + 1)) {
            new Trainer(sgd).fit(teacher, train, new HardLabelObjective(), test);
            TeacherLogits logits = TeacherLogits.compute(teacher, train);
            new Trainer(adam).fit(student, train, new DistillationObjective(logits, DistillConfig.softTargets(3f, 0.2f)), test);
            Inference.evaluate(student, test);
            Inference.logits(teacher, test, 33);
        }
        try (Classifier classifier = Classifier.load(modelFile, backend)) {
            float[] row = new float[test.featureCount()];
            for (int k = 0; k < 20; k++) {
                test.features(k, row);
                classifier.predict(row);
                classifier.probabilities(row);
            }
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    @Test
    @Timeout(300)
    @DisplayName("a few seconds of training, distillation and inference keep open tensors, device buffers and the heap flat")
    void repeatedWorkLeavesNothingBehind(@TempDir Path dir) throws Exception {
        Dataset train = PROBLEM.sample(300, 1);
        Dataset test = PROBLEM.sample(100, 2);
        Path modelFile = dir.resolve("classifier.safetensors");
        try (Sequential m = MlpSpec.parse("40-16-10").build(backend, 3)) {
            ModelFile.save(m, modelFile, Map.of());
        }
        int tensors = backend.liveTensors();
        List<Long> heap = new ArrayList<>();
        List<Long> buffers = new ArrayList<>();
        long start = System.nanoTime();
        int rounds = 0;
        while (rounds < MIN_ROUNDS || System.nanoTime() - start < LOOP_NANOS) {
            round(rounds, train, test, modelFile);
            rounds++;
            assertEquals(tensors, backend.liveTensors(), "open tensors after round " + rounds);
            if (rounds >= WARM_UP_ROUNDS) {
                buffers.add(deviceBuffers());
                if (rounds % 2 == 0) {
                    heap.add(usedHeapAfterGc());
                }
            }
        }
        System.out.printf("leak suite on %s: %d rounds in %.1f s; heap after GC (MiB) %s; device buffers %s%n", backend.name(),
                rounds, (System.nanoTime() - start) / 1e9, heap.stream().map(b -> String.format("%.1f", b / 1048576.0)).toList(),
                buffers.get(0) < 0 ? "not counted" : buffers);
        assertEquals(buffers.get(0), buffers.get(buffers.size() - 1), "device buffers after warm-up vs at the end: " + buffers);
        long growth = heap.get(heap.size() - 1) - heap.get(0);
        assertTrue(growth < HEAP_SLACK_BYTES, "used heap after GC grew by " + growth / 1024 + " KiB over the loop: " + heap);
    }
}
