package org.distill4j.bench;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.bytedeco.javacpp.FloatPointer;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Tensor;
import org.ejml.concurrency.EjmlConcurrency;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
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
 * {@code C = op(A) * op(B)} (alpha 1, beta 0) at the teacher MLP's training shapes (batch 128)
 * and at large squares, for each distill4j backend and the peers measured in the same run.
 *
 * <p>{@code impl}: a distill4j backend name ({@code cpu}, {@code opencl}, ...; {@code bench/run.sh}
 * passes every backend {@code Backends.discover} finds available), {@code openblas}
 * ({@code cblas_sgemm}), {@code ejml} ({@code CommonOps_FDRM}, one thread) or {@code ejml-mt}
 * ({@code CommonOps_MT_FDRM}). {@code threads} applies to every multi-threaded one.
 * Score: microseconds per multiply; GFLOP/s = {@code 2 M K N / score / 1000}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBench {
    /** The MLP's forward shapes, its backward shapes (weight and input gradients), then squares. */
    @Param({"NN:128x784x1200", "NN:128x1200x1200", "NN:128x1200x10",
            "TN:784x128x1200", "TN:1200x128x1200", "TN:1200x128x10",
            "NT:128x1200x1200", "NT:128x10x1200",
            "NN:1024x1024x1024", "NN:2048x2048x2048"})
    public String shape;

    @Param({"cpu", "openblas", "ejml", "ejml-mt"})
    public String impl;

    @Param({"2"})
    public int threads;

    private Runnable multiply;
    private Supplier<float[]> result;
    private AutoCloseable resources;

    @Setup(Level.Trial)
    public void setUp() {
        GemmShape s = GemmShape.parse(shape);
        float[] a = BenchSupport.uniform(s.aRows() * s.aCols(), -1f, 1f, 1);
        float[] b = BenchSupport.uniform(s.bRows() * s.bCols(), -1f, 1f, 2);
        switch (impl) {
            case "openblas" -> {
                OpenBlas.threads(threads);
                FloatPointer pa = OpenBlas.copy(a);
                FloatPointer pb = OpenBlas.copy(b);
                FloatPointer pc = new FloatPointer((long) s.m() * s.n());
                multiply = () -> OpenBlas.sgemm(s, pa, pb, pc);
                result = () -> {
                    float[] c = new float[s.m() * s.n()];
                    pc.get(c);
                    return c;
                };
                resources = () -> {
                    pa.close();
                    pb.close();
                    pc.close();
                };
            }
            case "ejml", "ejml-mt" -> {
                FMatrixRMaj ma = FMatrixRMaj.wrap(s.aRows(), s.aCols(), a);
                FMatrixRMaj mb = FMatrixRMaj.wrap(s.bRows(), s.bCols(), b);
                FMatrixRMaj mc = new FMatrixRMaj(s.m(), s.n());
                multiply = impl.equals("ejml") ? ejml(s, ma, mb, mc) : ejmlConcurrent(s, ma, mb, mc);
                result = () -> mc.data.clone();
                resources = () -> { };
            }
            default -> {
                Backend backend = BenchSupport.backend(impl, threads);
                Tensor ta = backend.tensor(a, s.aRows(), s.aCols());
                Tensor tb = backend.tensor(b, s.bRows(), s.bCols());
                Tensor tc = backend.tensor(s.m(), s.n());
                multiply = () -> {
                    backend.gemm(s.transA(), s.transB(), 1f, ta, tb, 0f, tc);
                    backend.synchronize();
                };
                result = tc::toArray;
                resources = () -> {
                    ta.close();
                    tb.close();
                    tc.close();
                    backend.close();
                };
            }
        }
    }

    private static Runnable ejml(GemmShape s, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        if (s.transA() && s.transB()) {
            return () -> CommonOps_FDRM.multTransAB(a, b, c);
        }
        if (s.transA()) {
            return () -> CommonOps_FDRM.multTransA(a, b, c);
        }
        return s.transB() ? () -> CommonOps_FDRM.multTransB(a, b, c) : () -> CommonOps_FDRM.mult(a, b, c);
    }

    private Runnable ejmlConcurrent(GemmShape s, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        EjmlConcurrency.setMaxThreads(threads);
        if (s.transA() && s.transB()) {
            return () -> CommonOps_MT_FDRM.multTransAB(a, b, c);
        }
        if (s.transA()) {
            return () -> CommonOps_MT_FDRM.multTransA(a, b, c);
        }
        return s.transB() ? () -> CommonOps_MT_FDRM.multTransB(a, b, c) : () -> CommonOps_MT_FDRM.mult(a, b, c);
    }

    @Benchmark
    public void gemm() {
        multiply.run();
    }

    /** C after the last multiply, row-major (for tests that check every implementation computes the same product). */
    float[] result() {
        return result.get();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        resources.close();
    }
}
