package org.distill4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** SIMD versions of {@link ScalarKernels} with the Vector API (placeholder until the SIMD kernels land). */
final class VectorKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private VectorKernels() {
    }

    static int lanes() {
        return F.length();
    }
}
