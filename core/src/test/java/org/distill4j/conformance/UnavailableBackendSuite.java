package org.distill4j.conformance;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendProvider;

/**
 * The suite on a provider whose probe says no. Not run by Surefire itself (its name does not end in
 * Test): {@link UnavailableBackendTest} launches it and checks that every test is skipped.
 */
class UnavailableBackendSuite extends BackendConformanceSuite {
    static final String REASON = "no such device in this test";

    UnavailableBackendSuite() {
        super(new BackendProvider() {
            @Override
            public String name() {
                return "absent";
            }

            @Override
            public int priority() {
                return 0;
            }

            @Override
            public String artifact() {
                return "test:absent";
            }

            @Override
            public Availability probe(BackendConfig config) {
                return Availability.unavailable(REASON);
            }

            @Override
            public Backend create(BackendConfig config) {
                throw new AssertionError("an unavailable backend must not be created");
            }
        });
    }
}
