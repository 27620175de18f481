package org.distill4j.engine;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A suite that runs on one backend, subclassed once per backend: it creates the backend before its tests and
 * closes it after, and skips them with a printed reason when the backend is unavailable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendSuite {
    private final String suite;
    private final BackendProvider provider;
    private final BackendConfig config;
    protected Backend backend;

    /** @param suite what the skip message calls this suite, e.g. {@code "engine suite"} */
    protected BackendSuite(String suite, BackendProvider provider, BackendConfig config) {
        this.suite = suite;
        this.provider = provider;
        this.config = config;
    }

    @BeforeAll
    void createBackend() {
        Availability a = provider.probe(config);
        if (!a.available()) {
            System.out.println("SKIPPED " + suite + " for backend " + provider.name() + ": " + a.reason());
        }
        Assumptions.assumeTrue(a.available(), () -> "backend " + provider.name() + " unavailable: " + a.reason());
        backend = provider.create(config);
    }

    @AfterAll
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }
}
