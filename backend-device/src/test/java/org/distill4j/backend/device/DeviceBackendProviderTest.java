package org.distill4j.backend.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Supplier;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendUnavailableException;
import org.junit.jupiter.api.Test;

/** The providers' shared part: every failure of a probe becomes a reason, and a native-load failure is remembered. */
class DeviceBackendProviderTest {
    /** A provider whose check and open throw the linkage error, if given, else the runtime exception. */
    private static DeviceBackendProvider throwing(Supplier<RuntimeException> runtime, Supplier<LinkageError> linkage) {
        return new DeviceBackendProvider("test", 7, new DeviceBackendProvider.NativeFailure(e -> "cannot load: " + e.getMessage())) {
            @Override
            protected Availability check(BackendConfig config) {
                if (linkage != null) {
                    throw linkage.get();
                }
                throw runtime.get();
            }

            @Override
            protected Backend open(BackendConfig config) {
                check(config);
                return null;
            }
        };
    }

    @Test
    void nameDecidesTheArtifact() {
        DeviceBackendProvider p = throwing(() -> new IllegalStateException(), null);
        assertEquals("test", p.name());
        assertEquals(7, p.priority());
        assertEquals("org.distill4j:distill4j-backend-test", p.artifact());
    }

    @Test
    void theProbeTurnsEveryFailureIntoAReason() {
        BackendConfig config = BackendConfig.named("test");
        Availability unavailable = throwing(() -> new BackendUnavailableException("no device"), null).probe(config);
        assertFalse(unavailable.available());
        assertEquals("no device", unavailable.reason());
        assertEquals("test probe failed: java.lang.IllegalStateException: boom",
                throwing(() -> new IllegalStateException("boom"), null).probe(config).reason());
        assertEquals("cannot load: libx.so", throwing(null, () -> new UnsatisfiedLinkError("libx.so")).probe(config).reason());
    }

    @Test
    void createTurnsALinkageErrorIntoBackendUnavailable() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> throwing(null, () -> new UnsatisfiedLinkError("libx.so")).create(BackendConfig.named("test")));
        assertEquals("cannot load: libx.so", e.getMessage());
    }

    @Test
    void theFirstNativeFailureIsRemembered() {
        DeviceBackendProvider.NativeFailure failure = new DeviceBackendProvider.NativeFailure(LinkageError::getMessage);
        String first = failure.of(new UnsatisfiedLinkError("libcuda.so.1: cannot open shared object file"));
        assertSame(first, failure.of(new NoClassDefFoundError("Could not initialize class jcuda.driver.JCudaDriver")));
        assertEquals(first, failure.known());
    }

    @Test
    void nativesSayWhichLibraryOrClassIsMissing() {
        assertEquals("libcublas.so.12 not found", Natives.describe(new UnsatisfiedLinkError(
                "/tmp/libJCublas2.so: libcublas.so.12: cannot open shared object file: No such file or directory")));
        assertEquals("jcuda.jcublas.JCublas2 is not on the class path", Natives.describe(new NoClassDefFoundError("jcuda/jcublas/JCublas2")));
        assertEquals("Fake GPU", Natives.cString(new byte[] {'F', 'a', 'k', 'e', ' ', 'G', 'P', 'U', 0, 'x'}));
    }
}
