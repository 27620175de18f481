package org.distill4j.bench;

import org.distill4j.backend.Backends;

/**
 * Prints the names of the distill4j backends available on this machine, comma-separated (for
 * {@code -p backend=...}); with {@code --report}, the full table of backends and reasons on
 * standard error too; with {@code --describe}, instead, one line per backend on standard output,
 * {@code name: available|unavailable, <what its probe says>} (for the CPU backend: the vector
 * width it will use, as this JVM's flags decide it); with {@code --openblas}, loads the OpenBLAS
 * peer and prints its thread count (run it with {@code OPENBLAS_VERBOSE=2} and OpenBLAS itself
 * names the core type whose kernels it chose, e.g. {@code Core: Haswell}).
 */
public final class AvailableBackends {
    private AvailableBackends() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--openblas")) {
            System.out.println("openblas: loaded, " + OpenBlas.threads(1) + " thread");
            return;
        }
        if (args.length > 0 && args[0].equals("--describe")) {
            for (Backends.Candidate c : Backends.discover()) {
                System.out.println(c.name() + ": " + (c.availability().available() ? "available" : "unavailable") + ", "
                        + c.availability().reason());
            }
            return;
        }
        if (args.length > 0 && args[0].equals("--report")) {
            System.err.print(Backends.report(Backends.discover(), null));
        }
        System.out.println(BenchSupport.availableBackends());
    }
}
