package org.distill4j.bench;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The OpenBLAS peer: {@code cblas_sgemm} of the native library that {@code org.bytedeco:openblas}
 * bundles, on matrices in native memory (its best case: no copy per call), with the thread
 * count set explicitly.
 */
final class OpenBlas {
    private OpenBlas() {
    }

    /** Loads the library (once) and sets OpenBLAS's thread count; returns the count it reports. */
    static synchronized int threads(int threads) {
        org.bytedeco.javacpp.Loader.load(openblas_nolapack.class);
        org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(threads);
        int actual = org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads();
        if (actual != threads) {
            throw new IllegalStateException("OpenBLAS runs " + actual + " threads after asking for " + threads);
        }
        return actual;
    }

    /** A native copy of {@code values}; the caller closes it. */
    static FloatPointer copy(float[] values) {
        FloatPointer p = new FloatPointer(values.length);
        p.put(values);
        return p;
    }

    /** {@code C = op(A) * op(B)} for row-major matrices of {@code shape}. */
    static void sgemm(GemmShape s, FloatPointer a, FloatPointer b, FloatPointer c) {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                s.transA() ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                s.transB() ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                s.m(), s.n(), s.k(), 1f, a, s.aCols(), b, s.bCols(), 0f, c, s.n());
    }
}
