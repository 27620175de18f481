package org.distill4j.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendUnavailableException;
import org.distill4j.backend.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery, priority, device choice and the reasons the provider gives. */
class OpenClBackendProviderTest {
    private final OpenClBackendProvider provider = new OpenClBackendProvider();

    @Test
    void isRegisteredAsAServiceNamedOpencl() {
        List<Backends.Candidate> candidates = Backends.discover(getClass().getClassLoader());
        assertTrue(candidates.stream().anyMatch(c -> c.name().equals("opencl")
                && c.provider() instanceof OpenClBackendProvider), candidates.toString());
        assertEquals("org.distill4j:distill4j-backend-opencl", provider.artifact());
    }

    @Test
    void probeIsAvailableHereAndRanksCpuOnlyOpenClBelowTheCpuBackend() {
        Availability availability = provider.probe(BackendConfig.named("opencl"));
        assertTrue(availability.available(), availability.reason());
        boolean accelerated = OpenClDevices.inventory().devices().stream()
                .anyMatch(d -> d.usable() && (d.isGpu() || d.isAccelerator()));
        Backends.Candidate candidate = new Backends.Candidate(provider, availability);
        assertEquals(accelerated ? 20 : -10, candidate.priority(), availability.reason());
        assertEquals(-10, provider.priority(), "the provider's own priority does not change with a probe");
    }

    @Test
    void theProbeChecksTheDeviceTheConfigNamesAndNoOther() {
        Availability absent = provider.probe(BackendConfig.named("opencl").withOption("opencl", "device", "no-such-device"));
        assertFalse(absent.available());
        assertTrue(absent.reason().contains("no-such-device"), absent.reason());
        String old = System.setProperty(OpenClDevices.DEVICE_PROPERTY, "no-such-device");
        try {
            Availability silent = provider.probe(BackendConfig.named("opencl"));
            assertTrue(silent.available(), silent.reason());
            provider.create(BackendConfig.named("opencl")).close();
        } finally {
            if (old == null) {
                System.clearProperty(OpenClDevices.DEVICE_PROPERTY);
            } else {
                System.setProperty(OpenClDevices.DEVICE_PROPERTY, old);
            }
        }
    }

    @Test
    void describeDevicesListsPlatformsAndMarksTheDefault() {
        String text = OpenClBackendProvider.describeDevices(BackendConfig.named("opencl"));
        assertTrue(text.contains("platform 0: "), text);
        assertTrue(text.contains("* [0]") || text.contains("* ["), text);
    }

    @Test
    void theDeviceOptionTakesAnIndexOrANameSubstring() {
        ClDevice first = OpenClDevices.inventory().devices().get(0);
        String namePart = first.name().substring(0, Math.min(6, first.name().length())).toUpperCase();
        for (String selector : new String[]{"0", namePart}) {
            try (Backend backend = provider.create(BackendConfig.named("opencl").withOption("opencl", "device", selector))) {
                assertEquals(first.name(), ((OpenClBackend) backend).deviceName(), "selector " + selector);
            }
        }
    }

    @Test
    void anUnknownDeviceIsAnErrorListingTheDevices() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> provider.create(BackendConfig.named("opencl").withOption("opencl", "device", "no-such-device")));
        assertTrue(e.getMessage().contains("no-such-device") && e.getMessage().contains("[0]"), e.getMessage());
        assertThrows(BackendUnavailableException.class,
                () -> provider.create(BackendConfig.named("opencl").withOption("opencl", "device", "99")));
    }

    @Test
    void withoutAnyPlatformTheProbeSaysSoAndNativesLoadOnlyInProbe(@TempDir Path emptyVendors)
            throws IOException, InterruptedException {
        assumeTrue(Files.exists(Path.of("/proc/self/maps")), "needs Linux /proc to see mapped libraries");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ProbeMain.class.getName()).redirectErrorStream(true);
        pb.environment().put("OCL_ICD_VENDORS", emptyVendors.toString()); // the ocl-icd loader finds no driver
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("natives before probe: false"), output);
        assertTrue(output.contains("natives after probe: true"), output);
        assertTrue(output.contains("available=false") && output.contains("no OpenCL platform"), output);
    }
}
