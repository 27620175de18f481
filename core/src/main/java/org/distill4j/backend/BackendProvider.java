package org.distill4j.backend;

/**
 * The service a backend module registers in
 * {@code META-INF/services/org.distill4j.backend.BackendProvider}.
 *
 * <p>A provider is cheap to instantiate and touches no native code until {@link #probe()} or
 * {@link #create(BackendConfig)} is called, so a missing driver never breaks class loading or
 * another backend.
 */
public interface BackendProvider {
    /** Short lower-case name users select it by, e.g. {@code cpu}, {@code cuda}, {@code opencl}. */
    String name();

    /**
     * Higher wins when no backend is named; the CPU backend uses 0, accelerators more. It is
     * read after {@link #probe()}, so it may depend on what the probe found (an OpenCL backend
     * that only sees a CPU device ranks below the CPU backend).
     */
    int priority();

    /** The Maven artifact that brings this backend, for error messages. */
    String artifact();

    /**
     * Checks, with one real call where natives are involved, whether the backend can run here.
     * Never throws: every failure, {@link LinkageError}s included, becomes an unavailable answer.
     */
    Availability probe();

    /** Makes a backend; only called after {@link #probe()} said it is available. */
    Backend create(BackendConfig config);
}
