package org.distill4j.cli;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.data.Dataset;
import org.distill4j.distill.TeacherLogits;
import org.distill4j.io.ModelFile;
import org.distill4j.io.ModelSchema;
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
    @Mixin TestDataOptions data;

    @Option(names = "--model", required = true, description = "A model file written by train or distill; repeat for an ensemble.")
    List<Path> modelFiles;

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
        for (Path file : modelFiles) {
            requireFile(file);
        }
        data.check();
        backendOptions.check();
        List<TeacherLogits> members = new ArrayList<>();
        ModelSchema first = null;
        Dataset test = null;
        int classes = 0;
        try (Backend backend = backendOptions.create()) {
            for (Path file : modelFiles) {
                try (ModelFile.Saved saved = ModelFile.read(backend, file)) {
                    if (first == null) {
                        first = saved.schema();
                        classes = saved.model().outputSize();
                        test = data.loadFor(first, classes);
                    } else {
                        requireSameClasses(file, saved, first, classes);
                    }
                    Dataset inputs = saved.schema().preprocessing().apply(test);
                    TeacherLogits logits = TeacherLogits.compute(saved.model(), inputs);
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
        System.out.print(json ? e.toJson() + "\n" : e.format("test", first.classNames()));
        return 0;
    }

    /** Throws unless an ensemble member has the first member's classes. */
    private static void requireSameClasses(Path file, ModelFile.Saved saved, ModelSchema first, int classes) {
        if (saved.model().outputSize() != classes || !java.util.Objects.equals(saved.schema().classNames(), first.classNames())) {
            throw new UsageException("ensemble member " + file + " has classes "
                    + (saved.schema().classNames() != null ? saved.schema().classNames() : saved.model().outputSize())
                    + ", the first model " + (first.classNames() != null ? first.classNames() : classes));
        }
    }
}
