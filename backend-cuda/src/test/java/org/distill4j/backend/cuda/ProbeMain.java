package org.distill4j.backend.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;

/**
 * Run in a child JVM by {@link CudaBackendProviderTest}: prints the provider's constants, whether
 * JCuda's driver binding is mapped before and after {@link CudaBackendProvider#probe}, the probe's
 * answer, and with the argument {@code create [gemm]} what {@code create} makes.
 */
public final class ProbeMain {
    private ProbeMain() {
    }

    public static void main(String[] args) throws IOException {
        CudaBackendProvider provider = new CudaBackendProvider();
        print("provider " + provider.name() + " priority " + provider.priority() + " " + provider.artifact());
        print("natives before probe: " + jcudaMapped());
        print("probe starts");
        Availability availability = provider.probe(BackendConfig.named("cuda"));
        print("probe: available=" + availability.available() + " reason=" + availability.reason());
        print("natives after probe: " + jcudaMapped());
        if (args.length > 0 && args[0].equals("create")) {
            BackendConfig config = BackendConfig.named("cuda");
            if (args.length > 1) {
                config = config.withOption("cuda", "gemm", args[1]);
            }
            try (Backend backend = provider.create(config)) {
                print("created: " + backend.describe());
            } catch (RuntimeException e) {
                print("create failed: " + e);
            }
        }
    }

    private static void print(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static boolean jcudaMapped() throws IOException {
        return Files.readString(Path.of("/proc/self/maps")).contains("libJCudaDriver");
    }
}
