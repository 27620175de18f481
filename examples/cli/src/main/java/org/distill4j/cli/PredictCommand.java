package org.distill4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.data.Dataset;
import org.distill4j.io.ModelFile;
import org.distill4j.io.ModelSchema;
import org.distill4j.train.Probabilities;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code distill4j predict}: classifies the rows of a file, or examples of the test set, with a saved model. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify the rows of --input FILE (raw features, as the training files had them), or --index examples"
                + " of the test set, with a saved model; prints the class, its probability and the label when there is one.")
final class PredictCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions;
    @Mixin TestDataOptions data;

    @Option(names = "--model", required = true, description = "A model file written by train or distill.")
    Path modelFile;

    @Option(names = "--input", description = "A file of examples to classify: CSV/TSV with the model's feature columns (a label"
            + " column is used if present, not required), .npy features or IDX images.")
    Path input;

    @Option(names = "--input-labels", description = "Labels of --input when it is .npy or IDX (optional).")
    Path inputLabels;

    @Option(names = "--index", split = ",", description = "Test-set indices to classify (default: 0, when no --input is given).")
    int[] indices;

    @Option(names = "--temperature", defaultValue = "1", description = "Softmax temperature for the printed probabilities (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top", defaultValue = "3", description = "How many of the most likely classes to print (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() throws Exception {
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new UsageException("--temperature must be > 0 and finite, found " + temperature);
        }
        if (top < 1) {
            throw new UsageException("--top must be >= 1, found " + top);
        }
        if (input != null && indices != null) {
            throw new UsageException("give either --input FILE or --index (examples of the test set), not both");
        }
        if (inputLabels != null && input == null) {
            throw new UsageException("--input-labels needs --input FILE");
        }
        int[] chosen = indices != null ? indices : input == null ? new int[] {0} : null;
        if (chosen != null) {
            for (int i : chosen) {
                if (i < 0) {
                    throw new UsageException("--index " + i + " is negative; test-set indices start at 0");
                }
            }
        }
        EvalCommand.requireFile(modelFile);
        if (input != null) {
            EvalCommand.requireFile(input);
        }
        data.check();
        backendOptions.check();
        try (Backend backend = backendOptions.create(); ModelFile.Saved saved = ModelFile.read(backend, modelFile)) {
            ModelSchema schema = saved.schema();
            int classes = saved.model().outputSize();
            Dataset examples = input != null
                    ? ModelInputs.read(input, inputLabels, schema, classes, data.label, data.delimiter(), false)
                    : data.loadFor(schema, classes);
            if (chosen == null) {
                chosen = new int[examples.size()];
                java.util.Arrays.setAll(chosen, i -> i);
            }
            String what = input != null ? "row" : "example";
            float[] x = new float[examples.featureCount()];
            for (int i : chosen) {
                if (i >= examples.size()) {
                    throw new UsageException("--index " + i + " is outside the test set of " + examples.size());
                }
                examples.features(i, x, 0);
                float[] z = saved.model().logits(schema.preprocessing().transform(x, 1), 1);
                double[] p = Probabilities.softmax(z, temperature);
                Integer[] order = new Integer[p.length];
                java.util.Arrays.setAll(order, c -> c);
                java.util.Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
                StringBuilder probs = new StringBuilder();
                for (int r = 0; r < Math.min(top, p.length); r++) {
                    probs.append(String.format(" %s:%.3g", schema.className(order[r]), p[order[r]]));
                }
                int label = examples.label(i);
                System.out.printf("%s %d: %s (p=%.4f)%s;%s%n", what, i, schema.className(order[0]), p[order[0]],
                        label >= 0 ? ", label " + schema.className(label) : "", probs);
            }
        }
        return 0;
    }
}
