package org.distill4j.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.data.Dataset;
import org.distill4j.data.Mnist;
import org.distill4j.distill.DistillConfig;
import org.distill4j.distill.DistillationObjective;
import org.distill4j.distill.TeacherLogits;
import org.distill4j.io.AtomicFiles;
import org.distill4j.io.ModelSchema;
import org.distill4j.nn.MlpSpec;
import org.distill4j.train.HardLabelObjective;
import org.distill4j.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code distill4j demo}: the paper's MNIST experiment end to end: a regularised teacher, the
 * same small student trained alone, that student distilled from the teacher's soft targets (the
 * paper's method), and distilled from the teacher's soft targets averaged over shifted copies of
 * each image; prints the four test-error counts with wall times and writes them as JSON.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a teacher, a student alone and two distilled students (plain and shift-averaged soft targets)"
                + " on MNIST and compare their test errors.")
final class DemoCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions;

    @Option(names = "--quick", description = "A few thousand training examples and small nets: a few minutes on 2 cores.")
    boolean quick;

    @Option(names = "--data", defaultValue = "data/mnist", description = "MNIST folder; fetched there if missing (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Mixin RunOptions runOptions;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of all three runs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epochs-scale", defaultValue = "1", description = "Multiply every epoch count by this (default: ${DEFAULT-VALUE}).")
    double epochsScale;

    /**
     * One setting of the experiment: data size, architectures and schedules. The last student
     * learns from the teacher's soft targets averaged over shifts of each image by up to
     * {@code jitter} pixels (the teacher's own training jitter); it sees the same unshifted images
     * as the others.
     */
    record Preset(int trainExamples, MlpSpec teacher, int teacherEpochs, float teacherLr, int jitter,
                  MlpSpec student, int studentEpochs, float studentLr, float temperature, float alpha) {
    }

    static final Preset QUICK = new Preset(5000,
            MlpSpec.parse("784-512-512-10").withDropout(0.2f, 0.5f).withMaxNorm(3.5f), 30, 0.05f, 2,
            MlpSpec.parse("784-300-300-10"), 30, 0.05f, 20f, 0.1f);

    static final Preset FULL = new Preset(60000,
            MlpSpec.parse("784-1200-1200-10").withDropout(0.2f, 0.3f).withMaxNorm(3.5f), 100, 0.05f, 2,
            MlpSpec.parse("784-800-800-10"), 60, 0.05f, 20f, 0.1f);

    @Override
    public Integer call() throws Exception {
        Preset p = quick ? QUICK : FULL;
        if (!(epochsScale > 0) || Double.isInfinite(epochsScale)) {
            throw new UsageException("--epochs-scale must be > 0, found " + epochsScale);
        }
        runOptions.check();
        backendOptions.check();
        FetchCommand.ensureMnist(dataDir);
        Mnist.Split split = Mnist.load(dataDir);
        Dataset train = DataOptions.limit(split.train(), p.trainExamples(), "train examples");
        Dataset test = split.test();
        RunDirectory run = RunDirectory.create(runOptions.runs, runOptions.name != null ? runOptions.name : quick ? "demo-quick" : "demo", "demo");

        TrainConfig teacherConfig = TrainConfig.builder().epochs(scaled(p.teacherEpochs())).batchSize(100)
                .learningRate(p.teacherLr()).schedule(TrainConfig.Schedule.COSINE).warmup(0.02)
                .momentum(0.9f).jitterPixels(p.jitter()).seed(seed).build();
        TrainConfig studentConfig = TrainConfig.builder().epochs(scaled(p.studentEpochs())).batchSize(100)
                .learningRate(p.studentLr()).schedule(TrainConfig.Schedule.COSINE).warmup(0.02)
                .momentum(0.9f).seed(seed + 1).build();
        DistillConfig distill = DistillConfig.softTargets(p.temperature(), p.alpha());

        JsonObject cfg = new JsonObject();
        cfg.addProperty("command", quick ? "demo --quick" : "demo");
        cfg.addProperty("trainExamples", train.size());
        cfg.addProperty("testExamples", test.size());
        cfg.add("teacherTraining", teacherConfig.toJson());
        cfg.add("studentTraining", studentConfig.toJson());
        cfg.addProperty("temperature", p.temperature());
        cfg.addProperty("alpha", p.alpha());
        run.writeConfig(cfg);

        List<String[]> rows = new ArrayList<>();
        JsonArray results = new JsonArray();
        long start = System.nanoTime();
        try (Backend backend = backendOptions.create()) {
            System.out.printf("demo on backend %s (%s): %d training and %d test examples%n", backend.name(),
                    backend.describe(), train.size(), test.size());
            Workflows.Trained teacher = Workflows.train(backend, p.teacher(), train, null, test, ModelSchema.plain(train.featureCount()), new HardLabelObjective(),
                    teacherConfig, run, "teacher", false, System.out);
            TeacherLogits logits;
            TeacherLogits shiftAveraged;
            try (var t = teacher.model()) {
                logits = TeacherLogits.compute(t, train);
                logits.save(run.file("teacher-logits.npy"));
                shiftAveraged = TeacherLogits.computeShiftAveraged(t, train, p.jitter(), p.temperature());
                shiftAveraged.save(run.file("teacher-logits-shift-averaged.npy"));
            }
            add(rows, results, "teacher", describe(p.teacher()) + ", jitter " + p.jitter() + " px", teacher);

            Workflows.Trained alone = Workflows.train(backend, p.student(), train, null, test, ModelSchema.plain(train.featureCount()), new HardLabelObjective(),
                    studentConfig, run, "student-alone", false, System.out);
            alone.model().close();
            add(rows, results, "student alone", describe(p.student()) + ", hard labels", alone);

            Workflows.Trained distilled = Workflows.train(backend, p.student(), train, null, test, ModelSchema.plain(train.featureCount()),
                    new DistillationObjective(logits, distill), studentConfig, run, "student-distilled", false, System.out);
            distilled.model().close();
            add(rows, results, "distilled student", describe(p.student()) + ", T = " + p.temperature() + ", alpha = " + p.alpha(),
                    distilled);

            Workflows.Trained shifted = Workflows.train(backend, p.student(), train, null, test, ModelSchema.plain(train.featureCount()),
                    new DistillationObjective(shiftAveraged, distill), studentConfig, run, "student-shift-averaged", false,
                    System.out);
            shifted.model().close();
            add(rows, results, "distilled, shifts", describe(p.student()) + ", the same, targets averaged over shifts <= "
                    + p.jitter() + " px", shifted);
        }
        double total = (System.nanoTime() - start) / 1e9;
        System.out.println();
        int w = rows.stream().mapToInt(r -> r[1].length()).max().orElse(10);
        String format = "%-18s | %-" + w + "s | %11s | %9s%n";
        System.out.printf(format, "model", "setup", "test errors", "wall time");
        System.out.println("-".repeat(18) + "-+-" + "-".repeat(w) + "-+-" + "-".repeat(11) + "-+-" + "-".repeat(9));
        for (String[] r : rows) {
            System.out.printf(format, r[0], r[1], r[2], r[3]);
        }
        System.out.printf("total wall time %s on %d test examples; metrics and models in %s%n", time(total), test.size(), run.path());
        JsonObject summary = new JsonObject();
        summary.add("results", results);
        summary.addProperty("totalSeconds", total);
        AtomicFiles.writeString(run.file("summary.json"), new GsonBuilder().setPrettyPrinting().create().toJson(summary) + "\n");
        return 0;
    }

    private int scaled(int epochs) {
        return Math.max(1, (int) Math.round(epochs * epochsScale));
    }

    private static void add(List<String[]> rows, JsonArray results, String model, String setup, Workflows.Trained t) {
        rows.add(new String[] {model, setup, Integer.toString(t.test().errors()), time(t.seconds())});
        JsonObject o = new JsonObject();
        o.addProperty("model", model);
        o.addProperty("setup", setup);
        o.addProperty("testErrors", t.test().errors());
        o.addProperty("testExamples", t.test().examples());
        o.addProperty("seconds", t.seconds());
        o.addProperty("epochs", t.result().epochsRun());
        o.addProperty("file", t.file().toString());
        results.add(o);
    }

    private static String describe(MlpSpec s) {
        StringBuilder sb = new StringBuilder(s.widths());
        if (s.inputDropout() > 0 || s.hiddenDropout() > 0) {
            sb.append(String.format(", dropout %.2g/%.2g", s.inputDropout(), s.hiddenDropout()));
        }
        if (s.maxNorm() > 0) {
            sb.append(String.format(", max-norm %.3g", s.maxNorm()));
        }
        return sb.toString();
    }

    static String time(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format("%dm %02ds", s / 60, s % 60) : String.format("%.1f s", seconds);
    }
}
