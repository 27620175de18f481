package org.distill4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.data.Dataset;
import org.distill4j.data.Preprocessing;
import org.distill4j.distill.ProbabilityLogits;
import org.distill4j.distill.TeacherLogits;
import org.distill4j.distill.TeacherModel;
import org.distill4j.distill.TeacherModels;
import org.distill4j.io.ModelFile;
import org.distill4j.io.ModelSchema;
import org.distill4j.train.Evaluation;
import org.distill4j.train.Inference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code distill4j eval}: test errors, per-class errors and confusion matrix of a saved model (a distill4j file or an
 * ONNX model run by ONNX Runtime) or an ensemble; or, with {@code --compare}, how closely two models agree.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a saved model (or, with --model repeated, the ensemble averaging their probabilities) on the test set.")
final class EvalCommand implements Callable<Integer> {
    /** The logit tolerance of {@code --compare}: {@code TOLERANCE x max(1, |logit|)}. */
    static final double TOLERANCE = 1e-4;

    @Mixin BackendOptions backendOptions;
    @Mixin TestDataOptions data;
    @Mixin OnnxOptions onnx;

    @Option(names = "--model", required = true, description = "A model file written by train or distill, or an ONNX model"
            + " (.onnx, run by ONNX Runtime on raw features); repeat for an ensemble.")
    List<Path> modelFiles;

    @Option(names = "--compare", description = "With two --model files (a model and its ONNX export, say): print how many test"
            + " examples they predict alike and their largest logit difference against 1e-4 x max(1, |logit|), instead of an"
            + " ensemble; exit code 1 unless every prediction agrees and every difference is within that.")
    boolean compare;

    @Option(names = "--latency", paramLabel = "ROWS", description = "Also time each model on a batch of the first ROWS test"
            + " examples: the median of 50 runs after 10 to warm up.")
    Integer latencyRows;

    @Option(names = "--json", description = "Print the evaluation as JSON.")
    boolean json;

    /** Throws a {@link NoSuchFileException} naming {@code file} unless it is a regular file. */
    static void requireFile(Path file) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
    }

    /** One model's logits over the test set, its classes, and how long it took. */
    private record Scored(Path file, TeacherLogits logits, int classes, List<String> classNames, double seconds) {
    }

    @Override
    public Integer call() throws Exception {
        for (Path file : modelFiles) {
            requireFile(file);
        }
        if (compare && (modelFiles.size() != 2 || json)) {
            throw new UsageException("--compare takes exactly two --model files, and prints no JSON");
        }
        DataOptions.requirePositive(latencyRows, "--latency");
        data.check();
        backendOptions.check();
        Map<String, String> readerOptions = onnx.readerOptions(backendOptions.threads);
        List<Scored> members = new ArrayList<>();
        Dataset test = null;
        try (Backend backend = backendOptions.create()) {
            for (Path file : modelFiles) {
                Scored s;
                if (TeacherModels.isForeign(file)) {
                    try (TeacherModel model = TeacherModels.open(file, readerOptions)) {
                        test = test != null ? test : loadFor(file, model.signature());
                        s = foreign(file, model, test);
                        if (latencyRows != null) {
                            float[] x = rows(test, latencyRows);
                            int n = x.length / test.featureCount();
                            printLatency(file, n, () -> model.run(x, n));
                        }
                    }
                } else {
                    try (ModelFile.Saved saved = ModelFile.read(backend, file)) {
                        test = test != null ? test : data.loadFor(saved.schema(), saved.model().outputSize());
                        long start = System.nanoTime();
                        TeacherLogits logits = TeacherLogits.compute(saved.model(), saved.schema().preprocessing().apply(test));
                        s = new Scored(file, logits, saved.model().outputSize(), saved.schema().classNames(), seconds(start));
                        if (latencyRows != null) {
                            Dataset batch = saved.schema().preprocessing().apply(test).subset(firstRows(test, latencyRows));
                            printLatency(file, batch.size(), () -> Inference.logits(saved.model(), batch, batch.size()));
                        }
                    }
                }
                if (!members.isEmpty()) {
                    requireSameClasses(s, members.get(0));
                }
                if (modelFiles.size() > 1) {
                    Evaluation e = Evaluation.of(Inference.argmax(s.logits().toArray(), s.classes()), test.labels(), s.classes());
                    System.out.printf("%s: %d test errors (%.2f s)%n", file, e.errors(), s.seconds());
                }
                members.add(s);
            }
        }
        Scored first = members.get(0);
        if (compare) {
            return compare(first, members.get(1)) ? 0 : 1;
        }
        TeacherLogits combined = members.size() == 1 ? first.logits()
                : TeacherLogits.ensemble(members.stream().map(Scored::logits).toList(), TeacherLogits.Combine.PROBABILITIES, 1f);
        Evaluation e = Evaluation.of(Inference.argmax(combined.toArray(), first.classes()), test.labels(), first.classes());
        if (members.size() > 1) {
            System.out.println("ensemble of " + members.size() + " (average of probabilities):");
        }
        System.out.print(json ? e.toJson() + "\n" : e.format("test", first.classNames()));
        return 0;
    }

    /**
     * The test set for an ONNX model: MNIST's as it is, or a {@code --test} file read for the feature and class counts
     * (and names) the model declares.
     */
    private Dataset loadFor(Path file, TeacherModel.Signature signature) throws IOException {
        if (data.test == null) {
            return data.loadFor(null, signature.classCount());
        }
        int features = signature.featureCount() >= 0 ? signature.featureCount()
                : signature.featureNames() != null ? signature.featureNames().size() : -1;
        int classes = signature.classCount() >= 0 ? signature.classCount()
                : signature.classNames() != null ? signature.classNames().size() : -1;
        if (features < 0 || classes < 0) {
            throw new UsageException("model " + file + " leaves its " + (features < 0 ? "feature" : "class") + " count open"
                    + " (a dynamic dimension, no names in its metadata), which reading --test " + data.test + " needs");
        }
        return data.loadFor(new ModelSchema(Preprocessing.none(features), signature.featureNames(), signature.classNames(), null),
                classes);
    }

    private static Scored foreign(Path file, TeacherModel model, Dataset test) throws IOException {
        long start = System.nanoTime();
        ProbabilityLogits.Converted c = TeacherModels.logits(model, file, test);
        double seconds = seconds(start);
        if (c.classes() < test.classCount()) {
            throw new UsageException("model " + file + " gives " + c.classes() + " outputs per example, the test labels have "
                    + test.classCount() + " classes");
        }
        System.out.println(file + ": " + model.describe());
        return new Scored(file, TeacherLogits.of(c.logits(), c.rows(), c.classes()), c.classes(), model.signature().classNames(),
                seconds);
    }

    /** Prints how closely {@code b} follows {@code a}; whether every prediction agrees and every logit is within tolerance. */
    private static boolean compare(Scored a, Scored b) {
        float[] x = a.logits().toArray();
        float[] y = b.logits().toArray();
        int classes = a.classes();
        int[] pa = Inference.argmax(x, classes);
        int[] pb = Inference.argmax(y, classes);
        int agree = 0;
        for (int i = 0; i < pa.length; i++) {
            agree += pa[i] == pb[i] ? 1 : 0;
        }
        double maxDiff = 0;
        double worstRatio = 0;
        for (int i = 0; i < x.length; i++) {
            double diff = Math.abs((double) x[i] - y[i]);
            maxDiff = Math.max(maxDiff, diff);
            worstRatio = Math.max(worstRatio, diff / (TOLERANCE * Math.max(1, Math.abs(x[i]))));
        }
        boolean ok = agree == pa.length && worstRatio <= 1;
        System.out.printf("%s vs %s on %d test examples: predicted class agrees on %d of %d; max |logit difference| %.3g,"
                        + " at most %.3g of the tolerance 1e-4 x max(1, |logit|): %s%n", a.file(), b.file(), pa.length, agree,
                pa.length, maxDiff, worstRatio, ok ? "within" : "NOT within");
        return ok;
    }

    /** Throws unless an ensemble member has the first member's classes. */
    private static void requireSameClasses(Scored member, Scored first) {
        if (member.classes() != first.classes() || !Objects.equals(member.classNames(), first.classNames())) {
            throw new UsageException("ensemble member " + member.file() + " has classes "
                    + (member.classNames() != null ? member.classNames() : member.classes())
                    + ", the first model " + (first.classNames() != null ? first.classNames() : first.classes()));
        }
    }

    /** A timed piece of work. */
    private interface Run {
        void run() throws IOException;
    }

    /** Prints the median time of {@code run} over 50 runs after 10 to warm up. */
    private static void printLatency(Path file, int rows, Run run) throws IOException {
        for (int i = 0; i < 10; i++) {
            run.run();
        }
        long[] nanos = new long[50];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            run.run();
            nanos[i] = System.nanoTime() - start;
        }
        java.util.Arrays.sort(nanos);
        System.out.printf("%s: latency %.3f ms per batch of %d (median of %d runs)%n", file, nanos[nanos.length / 2] / 1e6, rows,
                nanos.length);
    }

    private static int[] firstRows(Dataset test, int rows) {
        int[] first = new int[Math.min(rows, test.size())];
        java.util.Arrays.setAll(first, i -> i);
        return first;
    }

    private static float[] rows(Dataset test, int rows) {
        int[] first = firstRows(test, rows);
        float[] x = new float[first.length * test.featureCount()];
        test.gather(first, 0, first.length, x, null);
        return x;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
