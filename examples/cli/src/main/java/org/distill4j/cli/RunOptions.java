package org.distill4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a command writes its run: {@code --runs} (the folder of runs) and {@code --name} (this run's folder in it). */
final class RunOptions {
    @Option(names = "--name", description = "Run name: output goes to <runs>/<name>/ (default: <command>-<time>; for demo, demo or demo-quick).")
    String name;

    @Option(names = "--runs", defaultValue = "runs", description = "Folder of runs (default: ${DEFAULT-VALUE}).")
    Path runs;

    /** Checks the name before anything is read or made. */
    void check() {
        RunDirectory.checkName(name);
    }

    RunDirectory create(String command) throws IOException {
        return RunDirectory.create(runs, name, command);
    }
}
