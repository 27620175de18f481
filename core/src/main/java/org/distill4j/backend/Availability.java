package org.distill4j.backend;

/**
 * The answer of a {@link BackendProvider#probe()}: whether the backend can run here, and a
 * sentence a person can act on ("libcuda.so.1 not found", "2 OpenCL devices, using: ...").
 */
public record Availability(boolean available, String reason) {
    public Availability {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("an availability needs a reason");
        }
    }

    public static Availability available(String reason) {
        return new Availability(true, reason);
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
