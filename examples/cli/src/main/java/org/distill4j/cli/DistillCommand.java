package org.distill4j.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.data.Dataset;
import org.distill4j.data.Mnist;
import org.distill4j.distill.BiasAdjustment;
import org.distill4j.distill.DistillConfig;
import org.distill4j.distill.DistillationObjective;
import org.distill4j.distill.TeacherLogits;
import org.distill4j.io.ModelFile;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Evaluation;
import org.distill4j.train.Inference;
import org.distill4j.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code distill4j distill}: trains a student on a teacher's (or an ensemble's) softened outputs,
 * optionally on a transfer set that leaves classes out or drops labels, then adjusts biases.
 */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Distill a student from teacher model(s) or a teacher-logits .npy file; writes runs/<name>/student.safetensors.")
final class DistillCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions;
    @Mixin DataOptions data;
    @Mixin ModelOptions student;
    @Mixin TrainingOptions training;

    @Option(names = "--teacher", description = "Teacher model file; repeat for an ensemble.")
    List<Path> teachers = new ArrayList<>();

    @Option(names = "--teacher-logits", description = "A float32 .npy of teacher logits [training examples, classes], e.g. from PyTorch.")
    Path teacherLogitsFile;

    @Option(names = "--combine", defaultValue = "PROBABILITIES",
            description = "How an ensemble is averaged: PROBABILITIES (at T) or LOGITS (default: ${DEFAULT-VALUE}).")
    TeacherLogits.Combine combine;

    @Option(names = "--teacher-shifts", defaultValue = "0",
            description = "Average each teacher's soft targets at T over every shift of a transfer image by up to N pixels;"
                    + " the student still sees the images unshifted (default: ${DEFAULT-VALUE}, plain logits).")
    int teacherShifts;

    @Option(names = "--save-teacher-logits", description = "Also write the teacher logits over the training set to this .npy, for reuse.")
    Path saveTeacherLogits;

    @Option(names = {"-T", "--temperature"}, defaultValue = "20", description = "Distillation temperature (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--alpha", defaultValue = "0.1", description = "Weight of the hard-label loss, in [0, 1] (default: ${DEFAULT-VALUE}).")
    float alpha;

    @Option(names = "--match-logits", description = "Match logits (squared error) instead of softened probabilities.")
    boolean matchLogits;

    @Option(names = "--omit-classes", split = ",", description = "Leave these classes out of the transfer set.")
    int[] omitClasses;

    @Option(names = "--only-classes", split = ",", description = "Keep only these classes in the transfer set.")
    int[] onlyClasses;

    @Option(names = "--unlabelled", description = "Drop the transfer set's labels: only the soft term is used.")
    boolean unlabelled;

    @Option(names = "--bias-adjust", description = "After training, add DELTA to the output bias of CLASS(es), e.g. 3=3.5 or 7,8=-7.6; repeatable.")
    List<String> biasAdjust = new ArrayList<>();

    @Option(names = "--name", description = "Run name (default: distill-<time>).")
    String name;

    @Option(names = "--runs", defaultValue = "runs", description = "Folder of runs (default: ${DEFAULT-VALUE}).")
    Path runs;

    @Option(names = "--resume", description = "Continue the named run from its last checkpoint.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        // Every option is checked, and the inputs that decide the shapes read, before any run folder or backend is made.
        DistillConfig distill = matchLogits ? new DistillConfig(temperature, alpha, DistillConfig.Mode.MATCH_LOGITS)
                : DistillConfig.softTargets(temperature, alpha);
        TrainConfig config = training.apply(TrainConfig.builder().epochs(20).learningRate(0.05f).build());
        MlpSpec spec = student.mlp();
        int classes = spec.classes();
        if (teachers.isEmpty() == (teacherLogitsFile == null)) {
            throw new UsageException("give either --teacher (one or more model files) or --teacher-logits FILE.npy");
        }
        if (teacherShifts < 0) {
            throw new UsageException("--teacher-shifts must be >= 0, found " + teacherShifts);
        }
        if (teacherShifts > 0 && teacherLogitsFile != null) {
            throw new UsageException("--teacher-shifts needs --teacher model files; --teacher-logits are used as they are");
        }
        if (omitClasses != null && onlyClasses != null) {
            throw new UsageException("--omit-classes and --only-classes cannot be combined");
        }
        checkClasses(omitClasses, classes, "--omit-classes");
        checkClasses(onlyClasses, classes, "--only-classes");
        if (resume && name == null) {
            throw new UsageException("--resume needs --name of the run to continue");
        }
        RunDirectory.checkName(name);
        for (Path t : teachers) {
            if (!Files.isRegularFile(t)) {
                throw new UsageException("teacher model file not found: " + t);
            }
        }
        if (teacherLogitsFile != null && !Files.isRegularFile(teacherLogitsFile)) {
            throw new UsageException("--teacher-logits file not found: " + teacherLogitsFile);
        }
        List<int[]> adjustClasses = new ArrayList<>();
        List<Float> adjustDeltas = new ArrayList<>();
        for (String adjust : biasAdjust) {
            parseBiasAdjust(adjust, adjustClasses, adjustDeltas);
        }
        for (int[] c : adjustClasses) {
            checkClasses(c, classes, "--bias-adjust");
        }
        backendOptions.check();
        Mnist.Split split = data.load();
        Dataset train = split.train();
        if (spec.inputSize() != train.featureCount()) {
            throw new UsageException("--model " + spec.widths() + " takes " + spec.inputSize()
                    + " inputs, but the data have " + train.featureCount() + " features per example");
        }
        int[] transferIndices = omitClasses != null ? train.indicesWithoutClasses(omitClasses)
                : onlyClasses != null ? train.indicesOnlyClasses(onlyClasses) : null;
        if (transferIndices != null && transferIndices.length == 0) {
            throw new UsageException("the transfer set is empty after choosing classes");
        }
        TeacherLogits imported = teacherLogitsFile != null ? TeacherLogits.load(teacherLogitsFile, train.size(), classes) : null;
        RunDirectory run = RunDirectory.create(runs, name, "distill");

        try (Backend backend = backendOptions.create()) {
            TeacherLogits logits = imported != null ? imported : teacherLogits(backend, train, classes);
            if (saveTeacherLogits != null) {
                logits.save(saveTeacherLogits);
                System.out.println("teacher logits saved to " + saveTeacherLogits);
            }
            Dataset transfer = transferIndices != null ? train.subset(transferIndices) : train;
            TeacherLogits transferLogits = transferIndices != null ? logits.subset(transferIndices) : logits;
            if (unlabelled) {
                transfer = transfer.unlabelled();
            }
            JsonObject cfg = new JsonObject();
            cfg.addProperty("command", "distill");
            cfg.addProperty("student", spec.widths());
            cfg.addProperty("temperature", temperature);
            cfg.addProperty("alpha", alpha);
            cfg.addProperty("mode", distill.mode().name());
            JsonArray ts = new JsonArray();
            teachers.forEach(t -> ts.add(t.toString()));
            cfg.add("teachers", ts);
            cfg.addProperty("teacherLogits", teacherLogitsFile == null ? null : teacherLogitsFile.toString());
            cfg.addProperty("teacherShifts", teacherShifts);
            cfg.addProperty("transferExamples", transfer.size());
            cfg.addProperty("unlabelled", unlabelled);
            cfg.add("training", config.toJson());
            run.writeConfig(cfg);

            Workflows.Trained t = Workflows.train(backend, spec, transfer, split.test(),
                    new DistillationObjective(transferLogits, distill), config, run, "student", resume, System.out);
            try (Sequential model = t.model()) {
                System.out.print(t.test().format());
                System.out.printf("student saved to %s (%.1f s)%n", t.file(), t.seconds());
                if (!adjustClasses.isEmpty()) {
                    for (int i = 0; i < adjustClasses.size(); i++) {
                        BiasAdjustment.add(model, adjustDeltas.get(i), adjustClasses.get(i));
                    }
                    Evaluation adjusted = Inference.evaluate(model, split.test());
                    Path file = run.file("student-bias-adjusted.safetensors");
                    ModelFile.save(model, file, Map.of("bias_adjust", String.join(" ", biasAdjust)));
                    System.out.println("after bias adjustment " + String.join(" ", biasAdjust) + ":");
                    System.out.print(adjusted.format());
                    System.out.println("adjusted student saved to " + file);
                }
            }
        }
        return 0;
    }

    /** Throws unless every class is one of the student's {@code classes} outputs. */
    static void checkClasses(int[] chosen, int classes, String option) {
        if (chosen == null) {
            return;
        }
        for (int c : chosen) {
            if (c < 0 || c >= classes) {
                throw new UsageException(option + " class " + c + " is outside the student's classes 0.." + (classes - 1));
            }
        }
    }

    private TeacherLogits teacherLogits(Backend backend, Dataset train, int classes) throws Exception {
        List<TeacherLogits> members = new ArrayList<>();
        for (Path file : teachers) {
            try (Sequential teacher = ModelFile.load(backend, file)) {
                long start = System.nanoTime();
                TeacherLogits l = teacherShifts > 0
                        ? TeacherLogits.computeShiftAveraged(teacher, train, teacherShifts, temperature)
                        : TeacherLogits.compute(teacher, train);
                l.checkFits(train.size(), classes, file.toString());
                String what = teacherShifts > 0
                        ? "soft targets averaged over " + (2 * teacherShifts + 1) * (2 * teacherShifts + 1) + " shifts" : "logits";
                System.out.printf("teacher %s: %s over %d examples in %.1f s; training-set errors %d%n", file, what,
                        train.size(), (System.nanoTime() - start) / 1e9,
                        Evaluation.of(Inference.argmax(l.toArray(), classes), train.labels(), classes).errors());
                members.add(l);
            }
        }
        return members.size() == 1 ? members.get(0) : TeacherLogits.ensemble(members, combine, temperature);
    }

    static void parseBiasAdjust(String spec, List<int[]> classes, List<Float> deltas) {
        String[] parts = spec.split("=");
        if (parts.length != 2) {
            throw new UsageException("--bias-adjust must look like CLASS=DELTA or 7,8=-7.6, found '" + spec + "'");
        }
        try {
            String[] cs = parts[0].split(",");
            int[] c = new int[cs.length];
            for (int i = 0; i < cs.length; i++) {
                c[i] = Integer.parseInt(cs[i].trim());
            }
            classes.add(c);
            deltas.add(Float.parseFloat(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new UsageException("--bias-adjust must look like CLASS=DELTA or 7,8=-7.6, found '" + spec + "'");
        }
    }
}
