package org.distill4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.data.Dataset;
import org.distill4j.io.ModelFile;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Probabilities;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code distill4j predict}: classifies test examples with a saved model and shows its probabilities. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify examples of the test set with a saved model; prints class, probability and the true label.")
final class PredictCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions;
    @Mixin DataOptions data;

    @Option(names = "--model", required = true, description = "A model file written by train or distill.")
    Path modelFile;

    @Option(names = "--index", split = ",", defaultValue = "0", description = "Test-set indices to classify (default: ${DEFAULT-VALUE}).")
    int[] indices;

    @Option(names = "--temperature", defaultValue = "1", description = "Softmax temperature for the printed probabilities (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Override
    public Integer call() throws Exception {
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new UsageException("--temperature must be > 0 and finite, found " + temperature);
        }
        for (int i : indices) {
            if (i < 0) {
                throw new UsageException("--index " + i + " is negative; test-set indices start at 0");
            }
        }
        EvalCommand.requireFile(modelFile);
        backendOptions.check();
        Dataset test = data.load().test();
        try (Backend backend = backendOptions.create(); Sequential model = ModelFile.load(backend, modelFile)) {
            float[] x = new float[test.featureCount()];
            for (int i : indices) {
                if (i < 0 || i >= test.size()) {
                    throw new UsageException("--index " + i + " is outside the test set of " + test.size());
                }
                test.features(i, x, 0);
                float[] z = model.logits(x, 1);
                double[] p = Probabilities.softmax(z, temperature);
                int best = 0;
                for (int c = 1; c < p.length; c++) {
                    if (p[c] > p[best]) {
                        best = c;
                    }
                }
                StringBuilder probs = new StringBuilder();
                for (int c = 0; c < p.length; c++) {
                    probs.append(String.format(" %d:%.3g", c, p[c]));
                }
                System.out.printf("example %d: predicted %d (p=%.4f), label %d;%s%n", i, best, p[best], test.label(i), probs);
            }
        }
        return 0;
    }
}
