package org.distill4j.bench;

import java.util.concurrent.TimeUnit;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fused soft-target kernel ({@link Backend#softTargetLoss}: softmax at temperature T of
 * student and teacher logits, {@code T^2 * KL} batchmean and its gradient) on a batch of 128 at
 * T = 20. It reads {@code 2 * 128 * classes} floats and writes {@code 128 * classes} (plus one):
 * {@link CopyBench} in the same run gives the memory bandwidth that turns those bytes into the
 * "stream the inputs once" time. Score: microseconds per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SoftTargetLossBench {
    static final int BATCH = 128;
    static final float TEMPERATURE = 20f;

    @Param({"10", "1000"})
    public int classes;

    @Param({"cpu"})
    public String backend;

    @Param({"2"})
    public int threads;

    private Backend b;
    private Tensor student;
    private Tensor teacher;
    private Tensor grad;
    private Tensor loss;

    @Setup(Level.Trial)
    public void setUp() {
        b = BenchSupport.backend(backend, threads);
        student = b.tensor(BenchSupport.uniform(BATCH * classes, -10f, 10f, 1), BATCH, classes);
        teacher = b.tensor(BenchSupport.uniform(BATCH * classes, -10f, 10f, 2), BATCH, classes);
        grad = b.tensor(BATCH, classes);
        loss = b.tensor(1);
    }

    @Benchmark
    public void softTargetLoss() {
        b.softTargetLoss(student, teacher, TEMPERATURE, 0.9f, grad, loss);
        b.synchronize();
    }

    /** Bytes the kernel must move at least: both logit matrices read, the gradient and the loss written. */
    static long streamedBytes(int classes) {
        return 4L * (3L * BATCH * classes + 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        student.close();
        teacher.close();
        grad.close();
        loss.close();
        b.close();
    }
}
