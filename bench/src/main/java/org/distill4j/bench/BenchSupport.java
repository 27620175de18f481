package org.distill4j.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.Backends;

/** What every benchmark shares: making a distill4j backend by name with a thread count, and seeded data. */
final class BenchSupport {
    private BenchSupport() {
    }

    /**
     * The distill4j backend called {@code name}, found with {@link Backends#discover()}, with
     * {@code threads} CPU threads where the backend takes that option.
     *
     * @throws IllegalStateException naming every backend found and why each is (un)available
     */
    static Backend backend(String name, int threads) {
        BackendConfig config = BackendConfig.named(name).withOption("cpu", "threads", Integer.toString(threads));
        List<Backends.Candidate> found = Backends.discover();
        return Backends.choose(found, config).provider().create(config);
    }

    /** The names of the backends that are available here, comma-separated, e.g. {@code cpu,opencl}. */
    static String availableBackends() {
        return Backends.discover().stream()
                .filter(c -> c.availability().available())
                .map(Backends.Candidate::name)
                .sorted()
                .collect(Collectors.joining(","));
    }

    /** {@code size} floats uniform in {@code [lo, hi)} from {@code seed}. */
    static float[] uniform(int size, float lo, float hi, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = lo + (hi - lo) * (float) random.nextDouble();
        }
        return out;
    }
}
