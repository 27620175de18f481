package org.distill4j.cli;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.io.ModelFile;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Evaluation;
import org.distill4j.train.Inference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code distill4j eval}: test errors, per-class errors and confusion matrix of a saved model. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a saved model on the test set: errors, per-class errors, confusion matrix.")
final class EvalCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions;
    @Mixin DataOptions data;

    @Option(names = "--model", required = true, description = "A model file written by train or distill.")
    Path modelFile;

    @Option(names = "--json", description = "Print the evaluation as JSON.")
    boolean json;

    /** Throws a {@link NoSuchFileException} naming {@code file} unless it is a regular file. */
    static void requireFile(Path file) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
    }

    @Override
    public Integer call() throws Exception {
        requireFile(modelFile);
        backendOptions.check();
        var test = data.load().test();
        try (Backend backend = backendOptions.create(); Sequential model = ModelFile.load(backend, modelFile)) {
            Evaluation e = Inference.evaluate(model, test);
            System.out.print(json ? e.toJson() + "\n" : e.format());
        }
        return 0;
    }
}
