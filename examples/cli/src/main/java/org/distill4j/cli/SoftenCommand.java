package org.distill4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.data.Dataset;
import org.distill4j.io.ModelFile;
import org.distill4j.io.ModelSchema;
import org.distill4j.train.Probabilities;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code distill4j soften}: the picture that explains distillation: a teacher's class
 * probabilities for one test digit at several temperatures, printed and drawn as a PNG.
 */
@Command(name = "soften", mixinStandardHelpOptions = true,
        description = "Show a model's softened class probabilities softmax(z/T) for one test example at several temperatures.")
final class SoftenCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions;
    @Mixin TestDataOptions data;

    @Option(names = "--model", required = true, description = "A model file (usually the teacher).")
    Path modelFile;

    @Option(names = "--index", defaultValue = "0", description = "Test-set index of the example (default: ${DEFAULT-VALUE}).")
    int index;

    @Option(names = "--temperatures", split = ",", defaultValue = "1,3,20", description = "Temperatures (default: ${DEFAULT-VALUE}).")
    float[] temperatures;

    @Option(names = "--chart", description = "Write the bar chart to this PNG.")
    Path chart;

    @Override
    public Integer call() throws Exception {
        data.check();
        EvalCommand.requireFile(modelFile);
        float[] z;
        Dataset test;
        ModelSchema schema;
        try (Backend backend = backendOptions.create(); ModelFile.Saved saved = ModelFile.read(backend, modelFile)) {
            schema = saved.schema();
            test = data.loadFor(schema, saved.model().outputSize());
            if (index < 0 || index >= test.size()) {
                throw new UsageException("--index " + index + " is outside the test set of " + test.size());
            }
            float[] x = new float[test.featureCount()];
            test.features(index, x, 0);
            z = saved.model().logits(schema.preprocessing().transform(x, 1), 1);
        }
        Map<String, double[]> byT = new LinkedHashMap<>();
        String label = test.label(index) >= 0 ? schema.className(test.label(index)) : "none";
        System.out.printf("test example %d, label %s; softmax(z / T) per class:%n", index, label);
        for (float t : temperatures) {
            if (!(t > 0) || Float.isInfinite(t)) {
                throw new UsageException("temperatures must be > 0 and finite, found " + t);
            }
            double[] p = Probabilities.softmax(z, t);
            StringBuilder sb = new StringBuilder(String.format("T = %-5g", t));
            for (int c = 0; c < z.length; c++) {
                sb.append(String.format(" %s:%.2e", schema.className(c), p[c]));
            }
            System.out.println(sb);
            byT.put("T = " + t, p);
        }
        if (chart != null) {
            Charts.softenedDistribution(chart, "Teacher's softened probabilities, test digit " + index
                    + " (label " + label + ")", byT);
            System.out.println("wrote " + chart);
        }
        return 0;
    }
}
