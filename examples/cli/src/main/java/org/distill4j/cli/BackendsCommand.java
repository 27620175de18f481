package org.distill4j.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendUnavailableException;
import org.distill4j.backend.Backends;
import picocli.CommandLine.Command;

/** {@code distill4j backends}: lists every discovered backend, its status and reason, and the one that would be chosen. */
@Command(name = "backends", description = "List the backends found on the class path, why each is or is not usable, and which one is chosen.")
final class BackendsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        BackendConfig config = BackendConfig.fromEnvironment();
        List<Backends.Candidate> candidates = Backends.discover(config);
        try {
            Backends.Candidate chosen = Backends.choose(candidates, config);
            System.out.println("Backends found (* = chosen):");
            System.out.print(Backends.report(candidates, chosen));
            System.out.println("Chosen: " + chosen.name() + config.backendName().map(n -> " (requested)").orElse(" (highest priority available)"));
            return 0;
        } catch (BackendUnavailableException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }
}
