package org.distill4j.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.data.DataFiles;
import org.distill4j.data.Dataset;
import org.distill4j.distill.DistillConfig;
import org.distill4j.distill.DistillationObjective;
import org.distill4j.distill.SoftTerm;
import org.distill4j.distill.TeacherSource;
import org.distill4j.io.AtomicFiles;
import org.distill4j.nn.ModelSpec;
import org.distill4j.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code distill4j sweep}: distills the same student at several temperatures (and seeds) from one set of teacher
 * logits, then prints validation and test errors per temperature, names the temperature validation prefers, and
 * draws the errors as a PNG.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Distill one student architecture at several temperatures; prints a table and writes sweep.json and sweep.png."
                + " Choose the temperature on validation data (--val or --val-fraction), never on the test set.")
final class SweepCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions;
    @Mixin DataOptions data;
    @Mixin ModelOptions student;
    @Mixin TrainingOptions training;
    @Mixin TeacherOptions teacher;
    @Mixin RunOptions runOptions;

    @Mixin MethodOptions method;

    @Option(names = "--temperatures", split = ",", required = true, description = "Temperatures to try, e.g. 1,2,4,8,20.")
    float[] temperatures;

    @Option(names = "--alpha", defaultValue = "0.1", description = "Weight of the hard-label loss (default: ${DEFAULT-VALUE}).")
    float alpha;

    @Option(names = "--seeds", defaultValue = "1", description = "Seeds per temperature; the table shows the median and range (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Override
    public Integer call() throws Exception {
        // Every option is checked, the data read and the backend found before the run folder is made.
        SoftTerm term = method.softTerm();
        for (float t : temperatures) {
            UsageException.ofOptions(() -> new DistillConfig(t, alpha, term));
        }
        if (seeds < 1) {
            throw new UsageException("--seeds must be >= 1, found " + seeds);
        }
        TrainConfig base = training.apply(TrainConfig.builder().epochs(20).learningRate(0.05f).build());
        student.check();
        TeacherSource source = teacher.source(backendOptions.threads);
        if (teacher.shifts > 0 && temperatures.length > 1) {
            throw new UsageException("--teacher-shifts averages soft targets at one temperature; sweep one temperature with it");
        }
        runOptions.check();
        data.check();
        backendOptions.check();
        DataFiles.Loaded loaded = data.load(null, null);
        Workflows.Prepared prepared = Workflows.prepare(data, loaded, student.preprocessing());
        ModelSpec spec = student.spec(loaded.train().featureCount(), loaded.train().imageShape().orElse(null),
                loaded.classes().count());
        TrainingOptions.checkPatience(base, prepared.validation());
        TeacherSource.Transfer rawTransfer = Workflows.trainingTransfer(loaded);
        Workflows.describe(loaded, prepared, System.out);
        JsonArray results = new JsonArray();
        double[] ts = new double[temperatures.length];
        double[] valMedians = new double[temperatures.length];
        double[] testMedians = new double[temperatures.length];
        List<String> lines = new ArrayList<>();
        int transferSize;
        try (Backend backend = backendOptions.create()) {
            TeacherSource.Aligned aligned = source.logits(backend, rawTransfer, temperatures[0]);
            System.out.println(aligned.report());
            aligned.logits().checkFits(aligned.examples().length, spec.classes(), String.join(", ", teacher.describe()));
            Dataset transfer = aligned.coversAll(prepared.train().size()) ? prepared.train() : prepared.train().subset(aligned.examples());
            transferSize = transfer.size();
            RunDirectory run = runOptions.create("sweep");
            for (int i = 0; i < temperatures.length; i++) {
                float t = temperatures[i];
                int[] valErrors = new int[seeds];
                int[] testErrors = new int[seeds];
                double seconds = 0;
                for (int s = 0; s < seeds; s++) {
                    TrainConfig config = base.toBuilder().seed(base.seed() + s).build();
                    Workflows.Trained trained = Workflows.train(backend, spec, transfer, prepared.validation(), prepared.test(),
                            prepared.schema(), new DistillationObjective(aligned.logits(), new DistillConfig(t, alpha, term)),
                            config, run, "T" + t + "-seed" + config.seed(), false, System.out);
                    trained.model().close();
                    valErrors[s] = trained.validation() == null ? -1 : trained.validation().errors();
                    testErrors[s] = trained.test() == null ? -1 : trained.test().errors();
                    seconds += trained.seconds();
                }
                ts[i] = t;
                valMedians[i] = median(valErrors);
                testMedians[i] = median(testErrors);
                lines.add(String.format("T = %-6g  validation errors: %s  test errors: %s  over %d seed(s), %s", t,
                        summary(valErrors), summary(testErrors), seeds, DemoCommand.time(seconds)));
                JsonObject o = new JsonObject();
                o.addProperty("temperature", t);
                o.add("validationErrors", array(valErrors));
                o.add("testErrors", array(testErrors));
                o.addProperty("validationMedian", valMedians[i]);
                o.addProperty("testMedian", testMedians[i]);
                o.addProperty("seconds", seconds);
                results.add(o);
            }
            System.out.println("student " + spec.describe() + ", alpha " + alpha + ", " + base.epochs() + " epochs, "
                    + transferSize + " transfer examples:");
            lines.forEach(System.out::println);
            JsonObject summary = new JsonObject();
            summary.addProperty("student", spec.describe());
            summary.addProperty("alpha", alpha);
            summary.addProperty("method", term.toString());
            summary.add("training", base.toJson());
            summary.add("results", results);
            if (prepared.validation() != null) {
                int best = 0;
                for (int i = 1; i < ts.length; i++) {
                    if (valMedians[i] < valMedians[best]) {
                        best = i;
                    }
                }
                System.out.printf("chosen on validation: T = %g (median %.1f validation errors; its test median %s)%n", ts[best],
                        valMedians[best], prepared.test() == null ? "n/a" : String.format("%.1f", testMedians[best]));
                summary.addProperty("chosenTemperature", ts[best]);
            } else {
                System.out.println("no validation data: give --val or --val-fraction to choose a temperature; choosing on the"
                        + " test errors above would overstate how well the choice does on new data");
            }
            AtomicFiles.writeString(run.file("sweep.json"), new GsonBuilder().setPrettyPrinting().create().toJson(summary) + "\n");
            Map<String, double[][]> series = new LinkedHashMap<>();
            if (prepared.validation() != null) {
                series.put("validation, student " + spec.describe(), new double[][] {ts, valMedians});
            }
            if (prepared.test() != null) {
                series.put("test, student " + spec.describe(), new double[][] {ts, testMedians});
            }
            if (!series.isEmpty()) {
                Charts.errorsByTemperature(run.file("sweep.png"), "Distilled student: errors vs temperature (median over seeds)", series);
            }
            System.out.println("wrote " + run.file("sweep.json") + (series.isEmpty() ? "" : " and " + run.file("sweep.png")));
        }
        return 0;
    }

    private static double median(int[] values) {
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private static String summary(int[] errors) {
        if (errors[0] < 0) {
            return "n/a";
        }
        int[] sorted = errors.clone();
        Arrays.sort(sorted);
        return String.format("median %6.1f, range %d..%d", median(errors), sorted[0], sorted[sorted.length - 1]);
    }

    private static JsonArray array(int[] values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            if (v >= 0) {
                a.add(v);
            }
        }
        return a;
    }
}
