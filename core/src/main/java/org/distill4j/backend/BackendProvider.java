package org.distill4j.backend;

/**
 * The service a backend module registers in
 * {@code META-INF/services/org.distill4j.backend.BackendProvider}.
 *
 * <p>A provider is cheap to instantiate, holds no state, and touches no native code until
 * {@link #probe(BackendConfig)} or {@link #create(BackendConfig)} is called, so a missing driver
 * never breaks class loading or another backend. It reads its options only from the
 * {@link BackendConfig} it is given, never from system properties.
 */
public interface BackendProvider {
    /** Short lower-case name users select it by, e.g. {@code cpu}, {@code cuda}, {@code opencl}. */
    String name();

    /**
     * Higher wins when no backend is named; the CPU backend uses 0, accelerators more. A probe
     * may answer with another one for this machine ({@link Availability#withPriority}: an OpenCL
     * backend that only sees a CPU device ranks below the CPU backend).
     */
    int priority();

    /** The Maven artifact that brings this backend, for error messages. */
    String artifact();

    /**
     * Checks, with one real call where natives are involved, whether the backend can run here
     * as {@code config} would make it (on the device it names, for example).
     * Never throws: every failure, {@link LinkageError}s included, becomes an unavailable answer.
     */
    Availability probe(BackendConfig config);

    /** Makes a backend; only called after {@link #probe(BackendConfig)} said it is available. */
    Backend create(BackendConfig config);
}
