package org.distill4j.backend;

/**
 * Small providers for the selection tests: {@link Fake} takes its answers in the constructor; the
 * no-argument ones can be registered with {@link java.util.ServiceLoader} in a test's service file.
 */
public final class TestProviders {
    private TestProviders() {
    }

    /** A provider with a fixed name, priority and probe answer (or a probe that throws). */
    public static class Fake implements BackendProvider {
        private final String name;
        private final int priority;
        private final Availability availability;
        private final Throwable probeFailure;

        Fake(String name, int priority, Availability availability, Throwable probeFailure) {
            this.name = name;
            this.priority = priority;
            this.availability = availability;
            this.probeFailure = probeFailure;
        }

        static Fake available(String name, int priority) {
            return new Fake(name, priority, Availability.available(name + " works"), null);
        }

        static Fake unavailable(String name, int priority, String reason) {
            return new Fake(name, priority, Availability.unavailable(reason), null);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public String artifact() {
            return "test:" + name;
        }

        @Override
        public Availability probe(BackendConfig config) {
            if (probeFailure instanceof RuntimeException e) {
                throw e;
            }
            if (probeFailure instanceof Error e) {
                throw e;
            }
            return availability;
        }

        @Override
        public Backend create(BackendConfig config) {
            return new FakeBackend(name);
        }
    }

    /** Available, priority 5. */
    public static final class Alpha extends Fake {
        public Alpha() {
            super("alpha", 5, Availability.available("alpha works"), null);
        }
    }

    /** Available, priority 5 (ties with alpha; sorts after it by name). */
    public static final class Bravo extends Fake {
        public Bravo() {
            super("bravo", 5, Availability.available("bravo works"), null);
        }
    }

    /** Unavailable, priority 50. */
    public static final class Gpu extends Fake {
        public Gpu() {
            super("gpu", 50, Availability.unavailable("no device found"), null);
        }
    }

    /** Its probe throws, breaking the promise; priority 40. */
    public static final class Throwing extends Fake {
        public Throwing() {
            super("throwing", 40, null, new IllegalStateException("boom"));
        }
    }

    /** Its probe fails to link a native library; priority 30. */
    public static final class Unlinked extends Fake {
        public Unlinked() {
            super("unlinked", 30, null, new UnsatisfiedLinkError("no libfoo in java.library.path"));
        }
    }

    /** Its probe returns null; priority 20. */
    public static final class Silent extends Fake {
        public Silent() {
            super("silent", 20, null, null);
        }
    }

    /** Priority 50, but its probe answers with priority -1, as OpenCL does when it only finds a CPU device. */
    public static final class Demoted extends Fake {
        public Demoted() {
            super("demoted", 50, Availability.available("only a slow device").withPriority(-1), null);
        }
    }

    /** Priority 60; available only when the config it is probed with has {@code picky.device=1}. */
    public static final class Picky extends Fake {
        public Picky() {
            super("picky", 60, null, null);
        }

        @Override
        public Availability probe(BackendConfig config) {
            return config.option("picky", "device").equals(java.util.Optional.of("1"))
                    ? Availability.available("device 1 works") : Availability.unavailable("only device 1 works");
        }
    }

    /** Its probe runs out of memory, which must not be swallowed. */
    public static final class OutOfMemory extends Fake {
        public OutOfMemory() {
            super("oom", 1, null, new OutOfMemoryError("simulated"));
        }
    }
}
