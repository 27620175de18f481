package org.distill4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.data.Dataset;
import org.distill4j.distill.TeacherLogits;
import org.distill4j.io.ModelFile;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Evaluation;
import org.distill4j.train.Inference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code distill4j eval}: test errors, per-class errors and confusion matrix of a saved model or an ensemble. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a saved model (or, with --model repeated, the ensemble averaging their probabilities) on the test set.")
final class EvalCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions;
    @Mixin DataOptions data;

    @Option(names = "--model", required = true, description = "A model file written by train or distill; repeat for an ensemble.")
    List<Path> modelFiles;

    @Option(names = "--json", description = "Print the evaluation as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Dataset test = data.load().test();
        List<TeacherLogits> members = new ArrayList<>();
        int classes = 0;
        try (Backend backend = backendOptions.create()) {
            for (Path file : modelFiles) {
                try (Sequential model = ModelFile.load(backend, file)) {
                    classes = model.outputSize();
                    TeacherLogits logits = TeacherLogits.compute(model, test);
                    if (modelFiles.size() > 1) {
                        Evaluation e = Evaluation.of(Inference.argmax(logits.toArray(), classes), test.labels(), classes);
                        System.out.printf("%s: %d test errors%n", file, e.errors());
                    }
                    members.add(logits);
                }
            }
        }
        TeacherLogits combined = members.size() == 1 ? members.get(0)
                : TeacherLogits.ensemble(members, TeacherLogits.Combine.PROBABILITIES, 1f);
        Evaluation e = Evaluation.of(Inference.argmax(combined.toArray(), classes), test.labels(), classes);
        if (members.size() > 1) {
            System.out.println("ensemble of " + members.size() + " (average of probabilities):");
        }
        System.out.print(json ? e.toJson() + "\n" : e.format());
        return 0;
    }
}
