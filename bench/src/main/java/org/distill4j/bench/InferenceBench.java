package org.distill4j.bench;

import java.util.concurrent.TimeUnit;
import org.distill4j.backend.Backend;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Sequential;
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
 * Inference through the 784-800-800-10 student with {@link Sequential#logits(float[], int)}
 * (features in, logits out as a Java array, as an embedding app calls it): {@code examples=1}
 * is the latency of one example, {@code examples=1024} a batch (throughput = 1024 / score).
 * Score: microseconds per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class InferenceBench {
    @Param({"1", "1024"})
    public int examples;

    @Param({"cpu"})
    public String backend;

    @Param({"2"})
    public int threads;

    private Backend b;
    private Sequential student;
    private float[] features;

    @Setup(Level.Trial)
    public void setUp() {
        b = BenchSupport.backend(backend, threads);
        student = MlpSpec.parse("784-800-800-10").build(b, 2);
        features = BenchSupport.uniform(examples * 784, 0f, 1f, 3);
    }

    @Benchmark
    public float[] logits() {
        return student.logits(features, examples);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        student.close();
        b.close();
    }
}
