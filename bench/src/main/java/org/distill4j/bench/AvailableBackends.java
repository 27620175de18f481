package org.distill4j.bench;

import org.distill4j.backend.Backends;

/**
 * Prints the names of the distill4j backends available on this machine, comma-separated (for
 * {@code -p backend=...}); with {@code --report}, the full table of backends and reasons on
 * standard error too.
 */
public final class AvailableBackends {
    private AvailableBackends() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--report")) {
            System.err.print(Backends.report(Backends.discover(), null));
        }
        System.out.println(BenchSupport.availableBackends());
    }
}
