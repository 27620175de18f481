package org.distill4j.cli;

import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.Backends;
import picocli.CommandLine.Option;

/** {@code --backend} and {@code --threads}, on top of {@code DISTILL4J_BACKEND} and {@code -Ddistill4j.*}. */
final class BackendOptions {
    @Option(names = "--backend", description = "Backend to use (cpu, cuda, opencl). Default: DISTILL4J_BACKEND, else the best available.")
    String backend;

    @Option(names = "--threads", description = "CPU backend threads, and ONNX Runtime's for ONNX models (default: all cores).")
    Integer threads;

    BackendConfig config() {
        BackendConfig c = BackendConfig.fromEnvironment();
        if (backend != null) {
            c = c.withBackend(backend);
        }
        if (threads != null) {
            c = c.withOption("cpu", "threads", Integer.toString(threads));
        }
        return c;
    }

    /** Checks the options and that the chosen backend is available, without making it. */
    void check() {
        if (threads != null && threads < 1) {
            throw new UsageException("--threads must be >= 1, found " + threads);
        }
        BackendConfig config = config();
        Backends.choose(Backends.discover(config), config);
    }

    Backend create() {
        return Backends.create(config());
    }
}
