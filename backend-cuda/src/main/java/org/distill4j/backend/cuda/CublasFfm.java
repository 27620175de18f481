package org.distill4j.backend.cuda;

import jcuda.driver.CUstream;

/**
 * The release-21 version of the multi-release class whose JDK 22+ version ({@code META-INF/versions/22}, source
 * {@code src/main/java22}) binds {@code libcublas.so.13} through the Foreign Function &amp; Memory API; this one only says so.
 */
final class CublasFfm {
    private CublasFfm() {
    }

    static Cublas open(CUstream stream) {
        throw new IllegalStateException("FFM: binding libcublas.so.13 needs JDK 22+ and the jar's META-INF/versions/22"
                + " (this is the release-21 class, on JDK " + Runtime.version().feature() + ")");
    }
}
