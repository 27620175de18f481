package org.distill4j.backend.cpu;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendProvider;

/**
 * Registers the {@link CpuBackend} with {@link org.distill4j.backend.Backends}. It is always
 * available; its probe says whether the SIMD kernels can run or why they cannot, and with how many
 * threads (the config's {@code cpu.threads} when it is a valid count, else the available processors).
 */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return CpuBackend.NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public String artifact() {
        return "org.distill4j:distill4j-backend-cpu";
    }

    @Override
    public Availability probe(BackendConfig config) {
        int threads = threads(config);
        String threadText = threads + (threads == 1 ? " thread" : " threads");
        try {
            if (VectorSupport.usable()) {
                return Availability.available(VectorSupport.describe(null) + ", " + threadText);
            }
            return Availability.available("scalar kernels: " + VectorSupport.problem() + ", " + threadText);
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError vme && !(t instanceof StackOverflowError)) {
                throw vme;
            }
            return Availability.available("scalar kernels: SIMD check failed (" + t + "), " + threadText);
        }
    }

    @Override
    public Backend create(BackendConfig config) {
        return new CpuBackend(config);
    }

    /** A malformed count is left for {@link #create} to report, so the probe still never throws. */
    private static int threads(BackendConfig config) {
        int processors = Runtime.getRuntime().availableProcessors();
        try {
            int threads = config.intOption(CpuBackend.NAME, "threads", processors);
            return threads >= 1 ? threads : processors;
        } catch (IllegalArgumentException e) {
            return processors;
        }
    }
}
