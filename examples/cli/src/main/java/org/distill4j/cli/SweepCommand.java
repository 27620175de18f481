package org.distill4j.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.data.Dataset;
import org.distill4j.data.Mnist;
import org.distill4j.distill.DistillConfig;
import org.distill4j.distill.DistillationObjective;
import org.distill4j.distill.TeacherLogits;
import org.distill4j.io.AtomicFiles;
import org.distill4j.io.ModelFile;
import org.distill4j.nn.Sequential;
import org.distill4j.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code distill4j sweep}: distills the same student at several temperatures (and seeds) from
 * one set of teacher logits, then prints test errors per temperature and draws them as a PNG.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Distill one student architecture at several temperatures; prints a table and writes sweep.json and sweep.png.")
final class SweepCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions;
    @Mixin DataOptions data;
    @Mixin ModelOptions student;
    @Mixin TrainingOptions training;

    @Option(names = "--teacher", description = "Teacher model file (its logits are computed once).")
    Path teacher;

    @Option(names = "--teacher-logits", description = "Teacher logits .npy over the training set, instead of --teacher.")
    Path teacherLogitsFile;

    @Option(names = "--temperatures", split = ",", required = true, description = "Temperatures to try, e.g. 1,2,4,8,20.")
    float[] temperatures;

    @Option(names = "--alpha", defaultValue = "0.1", description = "Weight of the hard-label loss (default: ${DEFAULT-VALUE}).")
    float alpha;

    @Option(names = "--seeds", defaultValue = "1", description = "Seeds per temperature; the table shows the median and range (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--name", description = "Run name (default: sweep-<time>).")
    String name;

    @Option(names = "--runs", defaultValue = "runs", description = "Folder of runs (default: ${DEFAULT-VALUE}).")
    Path runs;

    @Override
    public Integer call() throws Exception {
        for (float t : temperatures) {
            DistillConfig.softTargets(t, alpha);
        }
        if (seeds < 1) {
            throw new UsageException("--seeds must be >= 1");
        }
        if ((teacher == null) == (teacherLogitsFile == null)) {
            throw new UsageException("give either --teacher MODEL or --teacher-logits FILE.npy");
        }
        TrainConfig base = training.apply(TrainConfig.builder().epochs(20).learningRate(0.05f).build());
        Mnist.Split split = data.load();
        Dataset train = split.train();
        int classes = student.mlp().classes();
        backendOptions.check();
        if (student.mlp().inputSize() != train.featureCount()) {
            throw new UsageException("--model " + student.mlp().widths() + " takes " + student.mlp().inputSize()
                    + " inputs, but the data have " + train.featureCount() + " features per example");
        }
        TeacherLogits imported = teacherLogitsFile != null ? TeacherLogits.load(teacherLogitsFile, train.size(), classes) : null;
        RunDirectory run = RunDirectory.create(runs, name, "sweep");
        JsonArray results = new JsonArray();
        double[] ts = new double[temperatures.length];
        double[] medians = new double[temperatures.length];
        List<String> lines = new ArrayList<>();
        try (Backend backend = backendOptions.create()) {
            TeacherLogits logits;
            if (imported != null) {
                logits = imported;
            } else {
                try (Sequential t = ModelFile.load(backend, teacher)) {
                    logits = TeacherLogits.compute(t, train);
                }
            }
            for (int i = 0; i < temperatures.length; i++) {
                float t = temperatures[i];
                int[] errors = new int[seeds];
                double seconds = 0;
                for (int s = 0; s < seeds; s++) {
                    TrainConfig config = base.toBuilder().seed(base.seed() + s).build();
                    Workflows.Trained trained = Workflows.train(backend, student.mlp(), train, split.test(),
                            new DistillationObjective(logits, DistillConfig.softTargets(t, alpha)), config, run,
                            "T" + t + "-seed" + config.seed(), false, System.out);
                    trained.model().close();
                    errors[s] = trained.test().errors();
                    seconds += trained.seconds();
                }
                int[] sorted = errors.clone();
                Arrays.sort(sorted);
                ts[i] = t;
                medians[i] = seeds % 2 == 1 ? sorted[seeds / 2] : (sorted[seeds / 2 - 1] + sorted[seeds / 2]) / 2.0;
                lines.add(String.format("T = %-6g  test errors: median %6.1f, range %d..%d over %d seed(s), %s", t,
                        medians[i], sorted[0], sorted[seeds - 1], seeds, DemoCommand.time(seconds)));
                JsonObject o = new JsonObject();
                o.addProperty("temperature", t);
                JsonArray e = new JsonArray();
                Arrays.stream(errors).forEach(e::add);
                o.add("testErrors", e);
                o.addProperty("median", medians[i]);
                o.addProperty("seconds", seconds);
                results.add(o);
            }
        }
        System.out.println("student " + student.mlp().widths() + ", alpha " + alpha + ", " + base.epochs() + " epochs, "
                + train.size() + " transfer examples:");
        lines.forEach(System.out::println);
        JsonObject summary = new JsonObject();
        summary.addProperty("student", student.mlp().widths());
        summary.addProperty("alpha", alpha);
        summary.add("training", base.toJson());
        summary.add("results", results);
        AtomicFiles.writeString(run.file("sweep.json"), new GsonBuilder().setPrettyPrinting().create().toJson(summary) + "\n");
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("student " + student.mlp().widths(), new double[][] {ts, medians});
        Charts.errorsByTemperature(run.file("sweep.png"), "Distilled student: test errors vs temperature", series);
        System.out.println("wrote " + run.file("sweep.json") + " and " + run.file("sweep.png"));
        return 0;
    }
}
