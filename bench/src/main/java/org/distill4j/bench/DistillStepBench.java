package org.distill4j.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Tensor;
import org.distill4j.distill.BatchTeacher;
import org.distill4j.distill.DistillConfig;
import org.distill4j.distill.DistillationObjective;
import org.distill4j.distill.TeacherLogits;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Parameter;
import org.distill4j.nn.Pass;
import org.distill4j.nn.Sequential;
import org.distill4j.optim.Sgd;
import org.distill4j.train.Batch;
import org.distill4j.train.LossTerms;
import org.distill4j.train.Objective;
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
 * One distillation training step (batch 128 unless {@code batch} says otherwise), built from the core API the way
 * {@link org.distill4j.train.Trainer} does a step: batch copied to the device in a step
 * {@link org.distill4j.backend.Scope}, student forward (training pass), the objective
 * ({@code 0.1 * CE + 0.9 * T^2 * KL} at T = 20), student backward, SGD with momentum 0.9, max-norm
 * constraints, scope closed. The paper's teacher is 784-1200-1200-10, the student 784-800-800-10.
 *
 * <p>{@code teacher=forward}: the teacher runs forward on every batch (the step);
 * {@code teacher=cached}: its logits are precomputed once ({@link TeacherLogits}), which is
 * what {@code ./distill4j distill} does. Score: milliseconds per step; examples/s = {@code batch * 1000 / score}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DistillStepBench {
    /** Batches in the pool the steps cycle through. */
    static final int BATCHES = 8;
    static final float LEARNING_RATE = 0.05f;
    static final float MOMENTUM = 0.9f;
    static final DistillConfig DISTILL = DistillConfig.softTargets(20f, 0.1f);

    @Param({"cpu"})
    public String backend;

    @Param({"forward", "cached"})
    public String teacher;

    @Param({"2"})
    public int threads;

    @Param({"128"})
    public int batch;

    private Backend b;
    private Sequential teacherModel;
    private Sequential student;
    private List<Parameter> params;
    private Sgd sgd;
    private Objective objective;
    private float[] features;
    private float[] labels;
    private long step;
    private double lastLoss;

    @Setup(Level.Trial)
    public void setUp() {
        b = BenchSupport.backend(backend, threads);
        teacherModel = MlpSpec.parse("784-1200-1200-10").withDropout(0.2f, 0.5f).withMaxNorm(3.5f).build(b, 1);
        student = MlpSpec.parse("784-800-800-10").build(b, 2);
        params = student.parameters();
        sgd = new Sgd(0f, false);
        features = BenchSupport.uniform(BATCHES * batch * 784, 0f, 1f, 3);
        labels = new float[BATCHES * batch];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 10;
        }
        objective = switch (teacher) {
            case "forward" -> new DistillationObjective(BatchTeacher.online(List.of(teacherModel), TeacherLogits.Combine.LOGITS, 1f), DISTILL);
            case "cached" -> new DistillationObjective(
                    TeacherLogits.of(teacherModel.logits(features, BATCHES * batch), BATCHES * batch, 10), DISTILL);
            default -> throw new IllegalArgumentException("teacher must be forward or cached, found " + teacher);
        };
    }

    @Benchmark
    public double step() {
        int first = (int) (step % BATCHES) * batch;
        int[] indices = new int[batch];
        for (int r = 0; r < batch; r++) {
            indices[r] = first + r;
        }
        LossTerms loss;
        try (org.distill4j.backend.Scope scope = b.newScope()) {
            Tensor x = scope.tensor(batch, 784);
            x.copyFrom(features, first * 784);
            Tensor y = scope.tensor(batch);
            y.copyFrom(labels, first);
            Pass pass = Pass.training(scope, step);
            Tensor logits = student.forward(x, pass);
            Tensor grad = scope.tensor(logits.shape());
            loss = objective.compute(logits, new Batch(indices, x, y, 0), grad, pass);
            student.backward(grad, pass);
            sgd.step(params, LEARNING_RATE, MOMENTUM);
            student.applyConstraints();
        }
        step++;
        lastLoss = loss.total();
        return lastLoss;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (!Double.isFinite(lastLoss)) {
            throw new IllegalStateException("training diverged (loss " + lastLoss + " after " + step + " steps)");
        }
        sgd.close();
        student.close();
        teacherModel.close();
        b.close();
    }
}
