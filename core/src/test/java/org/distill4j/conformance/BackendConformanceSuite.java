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
 * The conformance suite every backend runs: each op of {@link Backend} and of {@link Backend#images()} against a
 * float64 reference (EJML for gemm, direct loops for the image ops) on random and adversarial inputs, loss and
 * image-op gradients against finite differences,
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
 * printed and every test is reported skipped with it, never passed. The backend is made once per
 * class and closed after the last test. With {@code -Ddistill4j.conformance.margins=true} it prints,
 * per op, how much of its tolerance the worst element used.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceSuite implements MemorySpec, ValidationSpec, ElementwiseSpec,
        LinearAlgebraSpec, ActivationSpec, SoftmaxSpec, LossSpec, GradientSpec, OptimiserSpec, ConcurrencySpec,
        ImageSpec, ImageGradientSpec, ImageValidationSpec {
    private final BackendProvider provider;
    private final BackendConfig config;
    /** Set to {@code true} to print, per op, how much of its tolerance the worst element used. */
    public static final String MARGINS_PROPERTY = "distill4j.conformance.margins";

    private Availability availability;
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
        availability = probe(provider, config);
        System.out.println("[conformance] " + provider.name() + " (" + provider.artifact() + ", " + config + "): "
                + (availability.available() ? "available: " : "UNAVAILABLE, skipping every test: ") + availability.reason());
        if (availability.available()) {
            backend = provider.create(config);
            System.out.println("[conformance] testing " + backend.describe());
        }
        Check.resetMargins();
    }


    @AfterAll
    final void closeBackend() {
        if (Boolean.getBoolean(MARGINS_PROPERTY)) {
            StringBuilder sb = new StringBuilder("[conformance] " + provider.name() + ": worst |difference| / tolerance per op");
            Check.margins().forEach((op, ratio) -> sb.append(String.format("%n  %-16s %.3f", op, ratio)));
            System.out.println(sb);
        }
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }

    /** The provider's answer; a probe that breaks its promise not to throw counts as unavailable. */
    private static Availability probe(BackendProvider provider, BackendConfig config) {
        try {
            Availability a = provider.probe(config);
            return a != null ? a : Availability.unavailable("probe returned nothing");
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("probe threw " + e);
        }
    }

    /**
     * The backend under test. Every test starts by asking for it, so when the backend is unavailable
     * each test (each dynamic test too) aborts here and Surefire counts it as skipped, with the
     * reason; an aborted class or test factory would not be counted at all.
     */
    @Override
    public final Backend backend() {
        Assumptions.assumeTrue(availability.available(),
                () -> "backend '" + provider.name() + "' is unavailable here: " + availability.reason());
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
