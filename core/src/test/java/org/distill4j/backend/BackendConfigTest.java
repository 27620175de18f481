package org.distill4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("BackendConfig")
class BackendConfigTest {

    @Test
    @DisplayName("defaults name no backend and hold no options")
    void defaults() {
        BackendConfig config = BackendConfig.defaults();
        assertEquals(Optional.empty(), config.backendName());
        assertEquals(Optional.empty(), config.option("cpu", "threads"));
        assertTrue(config.toString().contains("(best available)"), config.toString());
    }

    @Test
    @DisplayName("names are trimmed and lower-cased; blank or null means the best available")
    void names() {
        assertEquals(Optional.of("cuda"), BackendConfig.named("  CUDA ").backendName());
        assertEquals(Optional.empty(), BackendConfig.named("   ").backendName());
        assertEquals(Optional.empty(), BackendConfig.named(null).backendName());
        assertEquals(Optional.of("opencl"), BackendConfig.defaults().withBackend("OpenCL").backendName());
    }

    @Test
    @DisplayName("is immutable: withOption and withBackend return new configs")
    void immutable() {
        BackendConfig base = BackendConfig.named("cpu");
        BackendConfig threads = base.withOption("cpu", "threads", "4");
        BackendConfig renamed = threads.withBackend("cuda");
        assertEquals(Optional.empty(), base.option("cpu", "threads"));
        assertEquals(Optional.of("4"), threads.option("cpu", "threads"));
        assertEquals(Optional.of("4"), renamed.option("cpu", "threads"), "withBackend keeps the options");
        assertEquals(Optional.of("cpu"), threads.backendName());
        assertEquals(Optional.of("cuda"), renamed.backendName());
    }

    @Test
    @DisplayName("options are per backend")
    void optionsArePerBackend() {
        BackendConfig config = BackendConfig.defaults().withOption("cpu", "threads", "2").withOption("cuda", "device", "1");
        assertEquals(Optional.of("2"), config.option("cpu", "threads"));
        assertEquals(Optional.empty(), config.option("cuda", "threads"));
        assertEquals(Optional.of("1"), config.option("cuda", "device"));
    }

    @Test
    @DisplayName("intOption parses integers (blanks allowed), falls back when absent, and names a malformed option")
    void intOption() {
        BackendConfig config = BackendConfig.defaults().withOption("cpu", "threads", " 6 ").withOption("cpu", "tile", "big");
        assertEquals(6, config.intOption("cpu", "threads", 1));
        assertEquals(3, config.intOption("cuda", "threads", 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config.intOption("cpu", "tile", 64));
        assertTrue(e.getMessage().contains("distill4j.cpu.tile") && e.getMessage().contains("'big'"), e.getMessage());
    }

    @Test
    @DisplayName("fromEnvironment reads -Ddistill4j.backend and every -Ddistill4j.<backend>.<option>")
    void fromSystemProperties() {
        String[] keys = {BackendConfig.BACKEND_PROPERTY, "distill4j.cpu.threads", "distill4j.opencl.device", "other.cpu.threads"};
        String[] saved = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            saved[i] = System.getProperty(keys[i]);
        }
        try {
            System.setProperty(BackendConfig.BACKEND_PROPERTY, "OpenCL");
            System.setProperty("distill4j.cpu.threads", "3");
            System.setProperty("distill4j.opencl.device", "1");
            System.setProperty("other.cpu.threads", "99");
            BackendConfig config = BackendConfig.fromEnvironment();
            assertEquals(Optional.of("opencl"), config.backendName());
            assertEquals(3, config.intOption("cpu", "threads", 1));
            assertEquals(Optional.of("1"), config.option("opencl", "device"));
            assertEquals(Optional.empty(), config.option("distill4j", "backend"), "the backend name is not an option");
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (saved[i] == null) {
                    System.clearProperty(keys[i]);
                } else {
                    System.setProperty(keys[i], saved[i]);
                }
            }
        }
    }

    @Test
    @DisplayName("availabilities need a reason a person can act on")
    void availabilityNeedsReason() {
        assertThrows(IllegalArgumentException.class, () -> Availability.available(" "));
        assertThrows(IllegalArgumentException.class, () -> Availability.unavailable(null));
        assertTrue(Availability.available("ok").available());
    }
}
