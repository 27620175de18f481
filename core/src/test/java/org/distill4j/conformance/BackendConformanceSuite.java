package org.distill4j.conformance;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The conformance suite every backend runs: each op of {@link Backend} against a float64 reference
 * (EJML for gemm) on random and adversarial inputs, loss gradients against finite differences,
 * argument validation, tensor lifetimes and use from several threads at once. Tolerances are in {@link Tolerances}.
 *
 * <p>A backend module runs it with a one-line subclass in its tests:
 * <pre>{@code
 * class CpuConformanceTest extends BackendConformanceSuite {
 *     CpuConformanceTest() { super(new CpuBackendProvider()); }
 * }
 * }</pre>
 * and may run it again with options, e.g.
 * {@code super(new CpuBackendProvider(), BackendConfig.named("cpu").withOption("cpu", "simd", "false"))}.
 *
 * <p>The provider is probed once per class; when it is unavailable (no GPU, no driver) the reason is
 * printed and every test is skipped, never passed. The backend is made once per class and closed
 * after the last test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceSuite implements MemorySpec, ValidationSpec, ElementwiseSpec,
        LinearAlgebraSpec, ActivationSpec, SoftmaxSpec, LossSpec, GradientSpec, OptimiserSpec, ConcurrencySpec {
    private final BackendProvider provider;
    private final BackendConfig config;
    private Backend backend;

    /** Runs the suite on {@code provider}'s backend with no options. */
    protected BackendConformanceSuite(BackendProvider provider) {
        this(provider, BackendConfig.named(provider.name()));
    }

    /** Runs the suite on {@code provider}'s backend made with {@code config}, e.g. to test an option. */
    protected BackendConformanceSuite(BackendProvider provider, BackendConfig config) {
        this.provider = provider;
        this.config = config;
    }

    @BeforeAll
    final void probeAndCreateBackend() {
        Availability availability = probe(provider);
        System.out.println("[conformance] " + provider.name() + " (" + provider.artifact() + ", " + config + "): "
                + (availability.available() ? "available: " : "UNAVAILABLE, skipping the suite: ") + availability.reason());
        Assumptions.assumeTrue(availability.available(),
                () -> "backend '" + provider.name() + "' is unavailable here: " + availability.reason());
        backend = provider.create(config);
        System.out.println("[conformance] testing " + backend.describe());
    }

    @AfterAll
    final void closeBackend() {
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }

    /** The provider's answer; a probe that breaks its promise not to throw counts as unavailable. */
    private static Availability probe(BackendProvider provider) {
        try {
            Availability a = provider.probe();
            return a != null ? a : Availability.unavailable("probe returned nothing");
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("probe threw " + e);
        }
    }

    @Override
    public final Backend backend() {
        if (backend == null) {
            throw new IllegalStateException("the backend under test was not created (see the @BeforeAll output)");
        }
        return backend;
    }

    @Override
    public final BackendProvider provider() {
        return provider;
    }

    @Override
    public final BackendConfig config() {
        return config;
    }
}
