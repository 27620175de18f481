package org.distill4j.cli;

import org.distill4j.distill.SoftTerm;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Which distillation method the student learns by ({@code --method}) and that method's own settings. */
final class MethodOptions {
    @Spec(Spec.Target.MIXEE) CommandSpec command;

    @Option(names = "--method", defaultValue = "kd", description = "Soft term: kd (the paper's soft targets), dkd (decoupled KD,"
            + " Zhao et al. 2022), dist (DIST, Huang et al. 2022), kd-ls (KD on z-scored logits, Sun et al. 2024) or logits"
            + " (matching logits) (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--match-logits", hidden = true, description = "Deprecated: use --method logits.")
    boolean matchLogits;

    @Option(names = "--dkd-alpha", defaultValue = "1", description = "DKD: weight of the target-class term TCKD (default: ${DEFAULT-VALUE}).")
    float dkdAlpha;

    @Option(names = "--dkd-beta", defaultValue = "8", description = "DKD: weight of the non-target term NCKD (default: ${DEFAULT-VALUE}).")
    float dkdBeta;

    @Option(names = "--dkd-warmup", defaultValue = "20", description = "DKD: epochs over which its weight ramps up to 1;"
            + " its weight replaces 1 - alpha, and --alpha stays the hard-label weight (default: ${DEFAULT-VALUE}).")
    int dkdWarmup;

    @Option(names = "--dist-beta", defaultValue = "1", description = "DIST: weight of the inter-class (per example) relation (default: ${DEFAULT-VALUE}).")
    float distBeta;

    @Option(names = "--dist-gamma", defaultValue = "1", description = "DIST: weight of the intra-class (per class) relation (default: ${DEFAULT-VALUE}).")
    float distGamma;

    /** The chosen soft term; throws a usage error for an unknown method or bad settings. */
    SoftTerm softTerm() {
        if (matchLogits) {
            if (!method.equals("kd") && !method.equals("logits")) {
                throw new UsageException("--match-logits (deprecated) means --method logits; it cannot be combined with --method " + method);
            }
            command.commandLine().getErr().println("warning: --match-logits is deprecated; use --method logits");
            return new SoftTerm.MatchLogits();
        }
        return UsageException.ofOptions(() -> switch (method) {
            case "kd" -> new SoftTerm.Kd();
            case "logits" -> new SoftTerm.MatchLogits();
            case "dkd" -> new SoftTerm.Dkd(dkdAlpha, dkdBeta, dkdWarmup);
            case "dist" -> new SoftTerm.Dist(distBeta, distGamma);
            case "kd-ls" -> new SoftTerm.StandardizedKd();
            default -> throw new IllegalArgumentException("--method " + method + " is not one of kd, dkd, dist, kd-ls, logits");
        });
    }
}
