package org.distill4j.conformance;

import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendProvider;

/** What every part of the conformance suite needs: the backend under test and how it was made. */
interface ConformanceContext {
    /** The backend under test, made once per test class. */
    Backend backend();

    /** The provider that made {@link #backend()}, to make a second instance. */
    BackendProvider provider();

    /** The configuration {@link #backend()} was made with. */
    BackendConfig config();
}
