package org.distill4j.backend;

import java.util.OptionalInt;

/**
 * The answer of a {@link BackendProvider#probe(BackendConfig)}: whether the backend can run here, a
 * sentence a person can act on ("libcuda.so.1 not found", "2 OpenCL devices, using: ..."), and
 * optionally the priority the probe found for this machine in place of {@link BackendProvider#priority()}.
 */
public record Availability(boolean available, String reason, OptionalInt priority) {
    public Availability {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("an availability needs a reason");
        }
        if (priority == null) {
            throw new IllegalArgumentException("an availability without a priority of its own has OptionalInt.empty(), not null");
        }
    }

    /** An answer that keeps the provider's own priority. */
    public Availability(boolean available, String reason) {
        this(available, reason, OptionalInt.empty());
    }

    public static Availability available(String reason) {
        return new Availability(true, reason);
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }

    /** The same answer with the priority the probe found here (e.g. lower when only a slow device is present). */
    public Availability withPriority(int priority) {
        return new Availability(available, reason, OptionalInt.of(priority));
    }
}
