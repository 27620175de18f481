package org.distill4j.cli;

import picocli.CommandLine.Option;

/** {@code --resume}: continue a named run from its last checkpoint. */
final class ResumeOption {
    @Option(names = "--resume", description = "Continue the named run from its last checkpoint.")
    boolean resume;

    /** Throws unless a resumed run is named. */
    void check(RunOptions run) {
        if (resume && run.name == null) {
            throw new UsageException("--resume needs --name of the run to continue");
        }
    }
}
