package org.distill4j.backend.cuda;

import jcuda.driver.CUstream;

/**
 * cuBLAS 13 ({@code libcublas.so.13}) through the Foreign Function &amp; Memory API, final from JDK 22.
 * This release-21 version of the multi-release class only says so; the binding is the jar's
 * {@code META-INF/versions/22} version (source {@code src/main/java22}).
 */
final class CublasFfm {
    private CublasFfm() {
    }

    /** Throws the reason: this class is not the binding. */
    static Cublas open(CUstream stream) {
        throw new IllegalStateException("FFM: binding libcublas.so.13 needs JDK 22+ and the jar's META-INF/versions/22"
                + " (this is the release-21 class, on JDK " + Runtime.version().feature() + ")");
    }
}
