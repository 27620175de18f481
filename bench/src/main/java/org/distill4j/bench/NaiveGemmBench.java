package org.distill4j.bench;

import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The naive triple loop ({@link NaiveGemm}) at {@link GemmBench}'s shapes, 2048^3 left out (it
 * takes many seconds per multiply). Same score unit: microseconds per multiply.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NaiveGemmBench {
    @Param({"NN:128x784x1200", "NN:128x1200x1200", "NN:128x1200x10",
            "TN:784x128x1200", "TN:1200x128x1200", "TN:1200x128x10",
            "NT:128x1200x1200", "NT:128x10x1200",
            "NN:1024x1024x1024"})
    public String shape;

    private GemmShape s;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup(Level.Trial)
    public void setUp() {
        s = GemmShape.parse(shape);
        a = BenchSupport.uniform(s.aRows() * s.aCols(), -1f, 1f, 1);
        b = BenchSupport.uniform(s.bRows() * s.bCols(), -1f, 1f, 2);
        c = new float[s.m() * s.n()];
    }

    @Benchmark
    public float[] gemm() {
        NaiveGemm.gemm(s, a, b, c);
        return c;
    }
}
