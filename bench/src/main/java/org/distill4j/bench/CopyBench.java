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
 * Memory bandwidth as one thread sees it: {@code System.arraycopy} of {@code floats} floats,
 * which reads and writes {@code 8 * floats} bytes. The sizes match the soft-target kernel's
 * working set (two inputs and the gradient: {@code 3 * 128 * C} floats, so a copy of
 * {@code 1.5 * 128 * C}) for C = 10 and 1000, where it sits in cache, and 2 x 64 MiB, which
 * comes from DRAM. Score: microseconds per copy; GB/s = {@code 8 * floats / score / 1000}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CopyBench {
    @Param({"1920", "192000", "16777216"})
    public int floats;

    private float[] src;
    private float[] dst;

    @Setup(Level.Trial)
    public void setUp() {
        src = BenchSupport.uniform(floats, -1f, 1f, 1);
        dst = new float[floats];
    }

    @Benchmark
    public float[] copy() {
        System.arraycopy(src, 0, dst, 0, floats);
        return dst;
    }
}
