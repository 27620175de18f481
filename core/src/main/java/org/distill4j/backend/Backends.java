package org.distill4j.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds backends with {@link ServiceLoader} and makes the one a user asked for, or the best
 * available one. Holds no state: every call looks at the class path again.
 *
 * <pre>{@code
 * try (Backend backend = Backends.create(BackendConfig.fromEnvironment())) { ... }
 * }</pre>
 */
public final class Backends {
    /** Backends this project ships, so an error can name the artifact to add. */
    private static final Map<String, String> KNOWN_ARTIFACTS = Map.of(
            "cpu", "org.distill4j:distill4j-backend-cpu",
            "cuda", "org.distill4j:distill4j-backend-cuda",
            "opencl", "org.distill4j:distill4j-backend-opencl");

    private Backends() {
    }

    /** A discovered provider and what its probe said. */
    public record Candidate(BackendProvider provider, Availability availability) {
        public String name() {
            return provider.name();
        }

        /** The priority the probe found, else the provider's own. */
        public int priority() {
            return availability.priority().orElse(provider.priority());
        }
    }

    /** Every provider on the class path of the context class loader, probed with {@link BackendConfig#defaults()}. */
    public static List<Candidate> discover() {
        return discover(BackendConfig.defaults());
    }

    /** Every provider on the class path of the context class loader, probed with {@code config}, highest priority first. */
    public static List<Candidate> discover(BackendConfig config) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return discover(loader != null ? loader : Backends.class.getClassLoader(), config);
    }

    /** Every provider visible to {@code loader}, probed with {@link BackendConfig#defaults()}. */
    public static List<Candidate> discover(ClassLoader loader) {
        return discover(loader, BackendConfig.defaults());
    }

    /** Every provider visible to {@code loader}, probed with {@code config}, highest priority first. */
    public static List<Candidate> discover(ClassLoader loader, BackendConfig config) {
        List<Candidate> found = new ArrayList<>();
        Iterator<BackendProvider> it = ServiceLoader.load(BackendProvider.class, loader).iterator();
        while (true) {
            BackendProvider provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                // A provider that cannot even be instantiated is skipped; the others still count.
                continue;
            }
            found.add(new Candidate(provider, safeProbe(provider, config)));
        }
        found.sort(Comparator.comparingInt(Candidate::priority).reversed()
                .thenComparing(Candidate::name));
        return List.copyOf(found);
    }

    private static Availability safeProbe(BackendProvider provider, BackendConfig config) {
        try {
            Availability a = provider.probe(config);
            return a != null ? a : Availability.unavailable("probe returned nothing");
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError vme && !(t instanceof StackOverflowError)) {
                throw vme;
            }
            return Availability.unavailable("probe failed: " + t);
        }
    }

    /**
     * The candidate {@code config} selects: the named one if it is available, else (no name)
     * the highest-priority available one.
     *
     * @throws BackendUnavailableException naming every candidate and its reason when there is none
     */
    public static Candidate choose(List<Candidate> candidates, BackendConfig config) {
        Optional<String> wanted = config.backendName();
        if (wanted.isPresent()) {
            String name = wanted.get();
            for (Candidate c : candidates) {
                if (c.name().equals(name)) {
                    if (c.availability().available()) {
                        return c;
                    }
                    throw new BackendUnavailableException("backend '" + name + "' was requested but is unavailable: "
                            + c.availability().reason() + "\n" + report(candidates, null));
                }
            }
            String hint = KNOWN_ARTIFACTS.containsKey(name)
                    ? "it is provided by " + KNOWN_ARTIFACTS.get(name) + " (add it to the class path; a backend module registers"
                            + " its provider only once it passes the conformance suite)"
                    : "known backends are " + String.join(", ", KNOWN_ARTIFACTS.keySet().stream().sorted().toList());
            throw new BackendUnavailableException("backend '" + name + "' was requested (" + BackendConfig.BACKEND_PROPERTY
                    + " / " + BackendConfig.BACKEND_ENV + ") but no provider of that name was found; " + hint + "\n"
                    + report(candidates, null));
        }
        for (Candidate c : candidates) {
            if (c.availability().available()) {
                return c;
            }
        }
        throw new BackendUnavailableException("no distill4j backend is available; add "
                + KNOWN_ARTIFACTS.get("cpu") + " (runs everywhere)\n" + report(candidates, null));
    }

    /** Makes the backend {@code config} selects; see {@link #choose}. */
    public static Backend create(BackendConfig config) {
        Candidate chosen = choose(discover(config), config);
        return chosen.provider().create(config);
    }

    /** Makes the backend named by {@code -Ddistill4j.backend} / {@code DISTILL4J_BACKEND}, else the best available. */
    public static Backend create() {
        return create(BackendConfig.fromEnvironment());
    }

    /** A table of the candidates: name, priority, status, reason; {@code chosen} is marked. */
    public static String report(List<Candidate> candidates, Candidate chosen) {
        StringBuilder sb = new StringBuilder();
        if (candidates.isEmpty()) {
            sb.append("  (no backend found on the class path)\n");
        }
        for (Candidate c : candidates) {
            sb.append(String.format("  %s %-8s priority %3d  %-11s %s%n",
                    c == chosen ? "*" : " ", c.name(), c.priority(),
                    c.availability().available() ? "available" : "unavailable", c.availability().reason()));
        }
        return sb.toString();
    }
}
