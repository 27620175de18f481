package org.distill4j.backend.device;

import java.util.function.Function;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendProvider;
import org.distill4j.backend.BackendUnavailableException;

/**
 * What the device backends' providers share: name, priority and artifact, and a probe and create
 * that turn every failure, a native binding that cannot load included, into a reason. A subclass
 * writes {@link #check} and {@link #open}; neither this class nor loading a subclass touches native code.
 */
public abstract class DeviceBackendProvider implements BackendProvider {
    private final String name;
    private final int priority;
    private final NativeFailure nativeFailure;

    /** The artifact is {@code org.distill4j:distill4j-backend-<name>}. */
    protected DeviceBackendProvider(String name, int priority, NativeFailure nativeFailure) {
        this.name = name;
        this.priority = priority;
        this.nativeFailure = nativeFailure;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int priority() {
        return priority;
    }

    @Override
    public final String artifact() {
        return "org.distill4j:distill4j-backend-" + name;
    }

    /** Whether the backend {@code config} asks for can run here, and on what; may throw, {@link #probe} turns it into a reason. */
    protected abstract Availability check(BackendConfig config);

    /** The backend {@code config} asks for; may throw a {@link LinkageError}, which {@link #create} turns into a reason. */
    protected abstract Backend open(BackendConfig config);

    /** {@link #check}, never throwing. */
    @Override
    public final Availability probe(BackendConfig config) {
        try {
            return check(config);
        } catch (LinkageError e) {
            return Availability.unavailable(nativeFailure.of(e));
        } catch (BackendUnavailableException e) {
            return Availability.unavailable(e.getMessage());
        } catch (RuntimeException e) {
            return Availability.unavailable(name + " probe failed: " + e);
        }
    }

    @Override
    public final Backend create(BackendConfig config) {
        try {
            return open(config);
        } catch (LinkageError e) {
            throw new BackendUnavailableException(nativeFailure.of(e), e);
        }
    }

    /**
     * Why a native binding could not load, as a sentence; the first one is remembered, because a
     * failed class initialisation is reported in full only once. A provider keeps one in a static field.
     */
    public static final class NativeFailure {
        private final Function<LinkageError, String> describe;
        private volatile String first;

        public NativeFailure(Function<LinkageError, String> describe) {
            this.describe = describe;
        }

        /** The first failure's sentence; {@code e} is described only when none is known yet. */
        public String of(LinkageError e) {
            String known = first;
            if (known == null) {
                known = describe.apply(e);
                first = known;
            }
            return known;
        }

        /** The remembered sentence, or {@code null}. */
        public String known() {
            return first;
        }
    }
}
