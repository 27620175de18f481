package org.distill4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.distill4j.data.Dataset;
import org.distill4j.data.Mnist;
import picocli.CommandLine.Option;

/** Where the data come from (the four MNIST IDX files in a folder) and how much of them to use. */
final class DataOptions {
    @Option(names = "--data", description = "Folder with the MNIST IDX files, raw or .gz (default: ${DEFAULT-VALUE}; './distill4j fetch mnist' puts them there).",
            defaultValue = "data/mnist")
    Path dir;

    @Option(names = "--train-limit", description = "Use only the first N training examples.")
    Integer trainLimit;

    @Option(names = "--test-limit", description = "Use only the first N test examples.")
    Integer testLimit;

    /** Checks the options before any file is read. */
    void check() {
        requirePositive(trainLimit, "--train-limit");
        requirePositive(testLimit, "--test-limit");
    }

    private static void requirePositive(Integer n, String option) {
        if (n != null && n < 1) {
            throw new UsageException(option + " must be >= 1, found " + n);
        }
    }

    Mnist.Split load() throws IOException {
        check();
        Mnist.Split split = Mnist.load(dir);
        return new Mnist.Split(limit(split.train(), trainLimit, "--train-limit"), limit(split.test(), testLimit, "--test-limit"));
    }

    static Dataset limit(Dataset d, Integer n, String option) {
        if (n == null) {
            return d;
        }
        requirePositive(n, option);
        return n >= d.size() ? d : d.slice(0, n);
    }
}
