package org.distill4j.backend;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Options for choosing and making a backend: an optional backend name and string options
 * such as {@code threads} (CPU) or {@code device} (GPU). Immutable.
 *
 * <p>{@link #fromEnvironment()} reads the name from the system property {@code distill4j.backend},
 * else the environment variable {@code DISTILL4J_BACKEND}, and options from system properties
 * named {@code distill4j.<backend>.<option>} (e.g. {@code distill4j.cpu.threads}). It is the only
 * place that reads them: a backend reads its options from the config it is given, and an option
 * a config lacks takes the backend's default whatever the system properties say.
 */
public final class BackendConfig {
    public static final String BACKEND_PROPERTY = "distill4j.backend";
    public static final String BACKEND_ENV = "DISTILL4J_BACKEND";

    private final String backendName;
    private final Map<String, String> options;

    private BackendConfig(String backendName, Map<String, String> options) {
        this.backendName = backendName == null || backendName.isBlank() ? null : backendName.trim().toLowerCase();
        this.options = Map.copyOf(options);
    }

    /** No backend named (the best available is chosen) and no options. */
    public static BackendConfig defaults() {
        return new BackendConfig(null, Map.of());
    }

    /** Names a backend; {@code null} means the best available. */
    public static BackendConfig named(String backendName) {
        return new BackendConfig(backendName, Map.of());
    }

    /** The name from {@code -Ddistill4j.backend} or {@code DISTILL4J_BACKEND}, and {@code -Ddistill4j.*} options. */
    public static BackendConfig fromEnvironment() {
        String name = System.getProperty(BACKEND_PROPERTY);
        if (name == null || name.isBlank()) {
            name = System.getenv(BACKEND_ENV);
        }
        Map<String, String> options = new TreeMap<>();
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("distill4j.") && !key.equals(BACKEND_PROPERTY)) {
                options.put(key.substring("distill4j.".length()), System.getProperty(key));
            }
        }
        return new BackendConfig(name, options);
    }

    public BackendConfig withBackend(String name) {
        return new BackendConfig(name, options);
    }

    /** Adds an option for backend {@code backend}, e.g. {@code withOption("cpu", "threads", "2")}. */
    public BackendConfig withOption(String backend, String option, String value) {
        Map<String, String> copy = new TreeMap<>(options);
        copy.put(backend + "." + option, value);
        return new BackendConfig(backendName, copy);
    }

    public Optional<String> backendName() {
        return Optional.ofNullable(backendName);
    }

    public Optional<String> option(String backend, String option) {
        return Optional.ofNullable(options.get(backend + "." + option));
    }

    /** An integer option, or {@code fallback} when absent; a malformed value is an error naming the option. */
    public int intOption(String backend, String option, int fallback) {
        String raw = options.get(backend + "." + option);
        if (raw == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option distill4j." + backend + "." + option
                    + " must be an integer, found '" + raw + "'");
        }
    }

    @Override
    public String toString() {
        return "BackendConfig{backend=" + (backendName == null ? "(best available)" : backendName) + ", options=" + options + "}";
    }
}
