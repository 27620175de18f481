package org.distill4j.cli;

import org.distill4j.nn.MlpSpec;
import picocli.CommandLine.Option;

/** The architecture of a model to train: widths, dropout, max-norm. */
final class ModelOptions {
    @Option(names = "--model", description = "Layer widths, input to classes (default: ${DEFAULT-VALUE}).", defaultValue = "784-800-800-10")
    String spec;

    @Option(names = "--input-dropout", description = "Dropout on the inputs (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    float inputDropout;

    @Option(names = "--hidden-dropout", description = "Dropout after each hidden layer (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    float hiddenDropout;

    @Option(names = "--max-norm", description = "Max L2 norm of each unit's incoming weights, 0 = none (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    float maxNorm;

    MlpSpec mlp() {
        return MlpSpec.parse(spec).withDropout(inputDropout, hiddenDropout).withMaxNorm(maxNorm);
    }
}
