package org.distill4j.backend.opencl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.distill4j.backend.BackendConfig;

/**
 * Run in a child JVM by {@link OpenClBackendProviderTest}: prints whether the JOCL native library is
 * mapped before and after {@link OpenClBackendProvider#probe}, and the probe's answer.
 */
public final class ProbeMain {
    private ProbeMain() {
    }

    public static void main(String[] args) throws IOException {
        OpenClBackendProvider provider = new OpenClBackendProvider();
        System.out.println("provider " + provider.name() + " priority " + provider.priority() + " " + provider.artifact());
        System.out.println("natives before probe: " + joclMapped());
        System.out.println("probe: " + provider.probe(BackendConfig.named("opencl")));
        System.out.println("natives after probe: " + joclMapped());
    }

    private static boolean joclMapped() throws IOException {
        return Files.readString(Path.of("/proc/self/maps")).contains("JOCL");
    }
}
