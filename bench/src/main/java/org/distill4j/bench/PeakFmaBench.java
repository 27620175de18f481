package org.distill4j.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's float FMA peak as the JVM reaches it: the physical reference for the gemm
 * GFLOP/s that {@code bench/run.sh} measures in the same JMH run ({@link Report} divides every
 * gemm figure by it).
 *
 * <p>Each thread runs {@value #CHAINS} independent chains {@code acc = acc * m + c} of
 * {@link FloatVector#fma} on {@link FloatVector#SPECIES_PREFERRED} vectors (16 lanes with
 * AVX-512, 8 with AVX2 or {@code -XX:UseAVX=2}, 4 with NEON or {@code -XX:MaxVectorSize=16}),
 * all in locals of one loop, so that C2 keeps them in registers (12 accumulators and 2
 * constants fit AVX2's 16) and nothing but FMAs is on the critical path. 12 chains cover an FMA
 * latency of 4 cycles times 2 FMA pipes (Zen 4, Intel since Haswell) with room to spare; a core
 * with 4 pipes of 4-cycle FMAs (some ARM cores) would need 16 and reaches 75% of its peak here.
 * The chains converge to {@code c / (1 - m)}, so no value becomes denormal or infinite, and their
 * sum is returned for JMH to consume, so none is dead code.
 *
 * <p>Every invocation does {@value #FLOPS} flops (2 per lane per FMA) whatever the lane count
 * (exactly for a power-of-two lane count up to 2048, else within 1/2 call of {@link #chains}):
 * {@code FLOPS / (2 * CHAINS * TRIPS * lanes)} calls of {@value #TRIPS} FMAs per chain.
 * {@code oneThread} makes them on one thread; {@code threads} splits them over {@code threads}
 * threads (the caller and spinning helpers; the hand-off costs well under a microsecond). The
 * score is in ops/ns with one op per flop, that is GFLOP/s. On a Zen 4 core, which issues two
 * 256-bit FMAs a cycle (an AVX-512 FMA takes both), expect 32 flops a cycle per core at 16 and
 * at 8 lanes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PeakFmaBench {
    /** Independent accumulator chains per thread. */
    static final int CHAINS = 12;
    /** Flops per invocation: 2 x 12 x 2^25, about 0.8 GFLOP, some milliseconds on 1-2 cores. */
    static final int FLOPS = 2 * CHAINS * (1 << 25);

    /** FMAs per chain in one call of {@link #chains}: 12 x 4096 FMAs, some microseconds, against some cycles to start and sum the chains. */
    static final int TRIPS = 4096;

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    /** Threads of {@code threads()}, as for every multi-threaded benchmark of {@code bench/run.sh}. */
    @Param({"2"})
    public int threads;

    /** A value C2 cannot see as a constant, so the chains cannot be folded or merged. */
    private float seed = 1f;
    /** The {@code threads - 1} spinning helpers of {@link #threads()}, started on its first call. */
    private Thread[] helpers;
    private volatile boolean running;
    /** Raised by the caller to start an invocation on the helpers. */
    private volatile int generation;
    /** Helpers done with the current invocation. */
    private final AtomicInteger done = new AtomicInteger();
    private float[] helperSums;
    private int[] firstBlock;
    private int[] blockCount;

    @Setup(Level.Trial)
    public void setUp() {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        int total = blocks();
        firstBlock = new int[threads];
        blockCount = new int[threads];
        for (int t = 0, from = 0; t < threads; t++) {
            blockCount[t] = total / threads + (t < total % threads ? 1 : 0);
            firstBlock[t] = from;
            from += blockCount[t];
        }
        helperSums = new float[threads];
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        running = false;
        if (helpers != null) {
            for (Thread t : helpers) {
                t.join();
            }
            helpers = null;
        }
    }

    /** Calls of {@link #chains} in one invocation, over all threads: {@code FLOPS / (2 * CHAINS * lanes * TRIPS)}. */
    static int blocks() {
        return Math.max(1, Math.round(FLOPS / (2f * CHAINS * TRIPS * SPECIES.length())));
    }

    /** The lane count of the preferred species, as the JVM runs it here. */
    static int lanes() {
        return SPECIES.length();
    }

    @Benchmark
    @OperationsPerInvocation(FLOPS)
    public float oneThread() {
        return run(0, blocks(), seed);
    }

    @Benchmark
    @OperationsPerInvocation(FLOPS)
    public float threads() {
        if (threads == 1) {
            return oneThread();
        }
        if (helpers == null) {
            startHelpers();
        }
        done.set(0);
        generation++;
        float sum = run(firstBlock[0], blockCount[0], seed);
        while (done.get() < threads - 1) {
            Thread.onSpinWait();
        }
        for (int t = 1; t < threads; t++) {
            sum += helperSums[t];
        }
        return sum;
    }

    /**
     * Helpers that spin between invocations rather than park: a parked thread's core may halt,
     * and waking a halted virtual CPU costs up to milliseconds on a KVM guest (a pool of parked
     * threads measured 20-30% below two JMH threads here). They spin only while {@code threads}
     * is measured: {@code oneThread}'s trial never starts them.
     */
    private void startHelpers() {
        running = true;
        helpers = new Thread[threads - 1];
        int start = generation;
        for (int i = 0; i < helpers.length; i++) {
            int t = i + 1;
            helpers[i] = new Thread(() -> {
                int seen = start;
                while (true) {
                    int g;
                    while ((g = generation) == seen) {
                        if (!running) {
                            return;
                        }
                        Thread.onSpinWait();
                    }
                    seen = g;
                    helperSums[t] = run(firstBlock[t], blockCount[t], seed + t);
                    done.incrementAndGet();
                }
            }, "peak-fma-" + t);
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    /**
     * Blocks {@code first .. first + count - 1}: many short calls of {@link #chains} rather than
     * one long one, so that C2 compiles it as a method (a loop entered a few times a second would
     * run in on-stack-replaced code, entered anew from C1's each call).
     */
    private static float run(int first, int count, float seed) {
        float sum = 0;
        for (int b = first; b < first + count; b++) {
            sum += chains(seed + b);
        }
        return sum;
    }

    /** {@value #CHAINS} independent FMA chains, {@value #TRIPS} FMAs each; returns the sum of every lane. */
    static float chains(float seed) {
        FloatVector m = FloatVector.broadcast(SPECIES, 0.999f);
        FloatVector c = FloatVector.broadcast(SPECIES, seed * 1e-3f);
        FloatVector a0 = FloatVector.broadcast(SPECIES, seed);
        FloatVector a1 = FloatVector.broadcast(SPECIES, seed + 1);
        FloatVector a2 = FloatVector.broadcast(SPECIES, seed + 2);
        FloatVector a3 = FloatVector.broadcast(SPECIES, seed + 3);
        FloatVector a4 = FloatVector.broadcast(SPECIES, seed + 4);
        FloatVector a5 = FloatVector.broadcast(SPECIES, seed + 5);
        FloatVector a6 = FloatVector.broadcast(SPECIES, seed + 6);
        FloatVector a7 = FloatVector.broadcast(SPECIES, seed + 7);
        FloatVector a8 = FloatVector.broadcast(SPECIES, seed + 8);
        FloatVector a9 = FloatVector.broadcast(SPECIES, seed + 9);
        FloatVector a10 = FloatVector.broadcast(SPECIES, seed + 10);
        FloatVector a11 = FloatVector.broadcast(SPECIES, seed + 11);
        for (int i = 0; i < TRIPS; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
