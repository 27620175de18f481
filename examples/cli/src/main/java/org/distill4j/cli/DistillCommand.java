package org.distill4j.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.data.Dataset;
import org.distill4j.data.DataFiles;
import org.distill4j.distill.BatchTeacher;
import org.distill4j.distill.BiasAdjustment;
import org.distill4j.distill.DistillConfig;
import org.distill4j.distill.DistillationObjective;
import org.distill4j.distill.HintObjective;
import org.distill4j.distill.TeacherLogits;
import org.distill4j.distill.TeacherSource;
import org.distill4j.io.AtomicFiles;
import org.distill4j.io.ModelFile;
import org.distill4j.io.ModelSchema;
import org.distill4j.nn.ModelSpec;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Inference;
import org.distill4j.train.Objective;
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

    @Mixin TeacherOptions teacher;

    @Option(names = "--transfer", description = "A transfer set other than the training set (same formats; labels optional):"
            + " the student learns the teacher's soft targets on it.")
    Path transferFile;

    @Option(names = "--transfer-labels", description = "Labels of --transfer when it is .npy or IDX (optional).")
    Path transferLabels;

    @Option(names = "--save-teacher-logits", description = "Also write the teacher logits over the transfer set to this .npy, for reuse"
            + " (with a .rows.txt of transfer-file rows when they are not all rows in order).")
    Path saveTeacherLogits;

    @Option(names = {"-T", "--temperature"}, defaultValue = "20", description = "Distillation temperature (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--alpha", defaultValue = "0.1", description = "Weight of the hard-label loss, in [0, 1] (default: ${DEFAULT-VALUE}).")
    float alpha;

    @Mixin MethodOptions method;

    @Option(names = "--online-teacher", description = "Run the teacher model(s) on every batch, on exactly the (jittered) view"
            + " the student sees, instead of computing their logits once; needs --teacher files: distill4j models whose"
            + " preprocessing is the student's, or ONNX models, fed the raw features the student's inputs come from.")
    boolean onlineTeacher;

    @Option(names = "--hint", paramLabel = "S:T", description = "FitNets hint: a learned linear regressor from the student's hidden"
            + " layer S to the teacher's hidden layer T (numbered from 1), with a squared-error term; the teacher is run on each"
            + " batch for it. Needs one --teacher model file whose preprocessing is the student's.")
    String hint;

    @Option(names = "--hint-weight", defaultValue = "1", description = "Weight of the hint term (default: ${DEFAULT-VALUE}).")
    float hintWeight;

    @Option(names = "--hint-epochs", defaultValue = "0", description = "Train on the hint alone for this many of the --epochs first"
            + " (FitNets' first stage), then on the distillation loss alone; 0 adds the hint to the loss throughout (default: ${DEFAULT-VALUE}).")
    int hintEpochs;

    @Option(names = "--omit-classes", split = ",", description = "Leave these classes out of the transfer set.")
    int[] omitClasses;

    @Option(names = "--only-classes", split = ",", description = "Keep only these classes in the transfer set.")
    int[] onlyClasses;

    @Option(names = "--unlabelled", description = "Drop the transfer set's labels: only the soft term is used.")
    boolean unlabelled;

    @Option(names = "--bias-adjust", description = "After training, add DELTA to the output bias of CLASS(es), e.g. 3=3.5 or 7,8=-7.6; repeatable.")
    List<String> biasAdjust = new ArrayList<>();

    @Mixin RunOptions runOptions;
    @Mixin ResumeOption resume;

    @Override
    public Integer call() throws Exception {
        // Every option is checked, and the inputs that decide the shapes read, before any run folder or backend is made.
        DistillConfig distill = UsageException.ofOptions(() -> new DistillConfig(temperature, alpha, method.softTerm()));
        TrainConfig config = training.apply(TrainConfig.builder().epochs(20).learningRate(0.05f).build());
        student.check();
        TeacherSource source = teacher.source(backendOptions.threads);
        if (omitClasses != null && onlyClasses != null) {
            throw new UsageException("--omit-classes and --only-classes cannot be combined");
        }
        if (onlineTeacher && (teacher.kind.models.isEmpty() || teacher.shifts > 0 || saveTeacherLogits != null)) {
            throw new UsageException("--online-teacher runs --teacher model files on each batch; it cannot take imported logits or"
                    + " probabilities, --teacher-shifts or --save-teacher-logits");
        }
        if (hint != null && teacher.anyForeign()) {
            throw new UsageException("--hint needs a hidden layer of the teacher, which an ONNX teacher does not give (distill4j"
                    + " reads only its output); give a distill4j model file as --teacher, or drop --hint");
        }
        int[] hintLayers = hint == null ? null : parseHint(hint);
        if (hint != null && teacher.kind.models.size() != 1) {
            throw new UsageException("--hint needs exactly one --teacher model file, whose hidden layer it matches");
        }
        if (hint == null && hintEpochs != 0) {
            throw new UsageException("--hint-epochs goes with --hint S:T");
        }
        if (hintEpochs < 0 || hintEpochs >= config.epochs()) {
            throw new UsageException("--hint-epochs must be in 0.." + (config.epochs() - 1) + " (it counts within --epochs "
                    + config.epochs() + "), found " + hintEpochs);
        }
        if (config.mixupAlpha() > 0 && !onlineTeacher) {
            throw new UsageException("--mixup changes the inputs every step, which teacher logits computed once cannot follow;"
                    + " add --online-teacher (and --teacher model files)");
        }
        if (transferLabels != null && transferFile == null) {
            throw new UsageException("--transfer-labels needs --transfer FILE");
        }
        runOptions.check();
        resume.check(runOptions);
        List<int[]> adjustClasses = new ArrayList<>();
        List<Float> adjustDeltas = new ArrayList<>();
        for (String adjust : biasAdjust) {
            parseBiasAdjust(adjust, adjustClasses, adjustDeltas);
        }
        data.check();
        backendOptions.check();
        DataFiles.Loaded loaded = data.load(transferFile, transferLabels);
        Workflows.Prepared prepared = Workflows.prepare(data, loaded, student.preprocessing());
        int classes = loaded.classes().count();
        ModelSpec spec = student.spec(loaded.train().featureCount(), loaded.train().imageShape().orElse(null), classes);
        checkClasses(omitClasses, classes, "--omit-classes");
        checkClasses(onlyClasses, classes, "--only-classes");
        for (int[] c : adjustClasses) {
            checkClasses(c, classes, "--bias-adjust");
        }
        TrainingOptions.checkPatience(config, prepared.validation());
        TeacherSource.Transfer rawTransfer = transferFile != null ? TeacherSource.Transfer.whole(loaded.transfer())
                : Workflows.trainingTransfer(loaded);
        Workflows.describe(loaded, prepared, System.out);

        if (hintLayers != null && (hintLayers[0] > spec.hiddenWidths().length)) {
            throw new UsageException("--hint " + hint + ": the student " + spec.describe() + " has " + spec.hiddenWidths().length
                    + " hidden layers");
        }
        try (Backend backend = backendOptions.create(); OnlineTeachers online = onlineTeacher || hint != null
                ? OnlineTeachers.open(backend, teacher.kind.models, prepared.schema().preprocessing(), teacher.onnx.readerOptions(backendOptions.threads))
                : null) {
            Dataset transfer = prepared.schema().preprocessing().apply(rawTransfer.data());
            TeacherLogits logits = null;
            if (onlineTeacher) {
                System.out.println("teacher run on each batch: " + String.join(", ", teacher.describe()));
            } else {
                TeacherSource.Aligned aligned = source.logits(backend, rawTransfer, temperature);
                System.out.println(aligned.report());
                aligned.logits().checkFits(aligned.examples().length, classes, String.join(", ", teacher.describe()));
                if (saveTeacherLogits != null) {
                    saveLogits(aligned, rawTransfer);
                }
                logits = aligned.logits();
                if (!aligned.coversAll(transfer.size())) {
                    transfer = transfer.subset(aligned.examples());
                }
            }
            int[] chosen = omitClasses != null ? transfer.indicesWithoutClasses(omitClasses)
                    : onlyClasses != null ? transfer.indicesOnlyClasses(onlyClasses) : null;
            if (chosen != null) {
                if (chosen.length == 0) {
                    throw new UsageException("the transfer set is empty after choosing classes");
                }
                transfer = transfer.subset(chosen);
                logits = logits == null ? null : logits.subset(chosen);
            }
            BatchTeacher batchTeacher = onlineTeacher ? new BatchTeacher.Online(online.members(), teacher.combine, temperature)
                    : BatchTeacher.cached(logits);
            if (unlabelled) {
                transfer = transfer.unlabelled();
            }
            JsonObject cfg = new JsonObject();
            cfg.addProperty("command", "distill");
            cfg.addProperty("student", spec.describe());
            cfg.addProperty("temperature", temperature);
            cfg.addProperty("alpha", alpha);
            cfg.addProperty("method", distill.softTerm().name());
            cfg.addProperty("softTerm", distill.softTerm().toString());
            cfg.addProperty("onlineTeacher", onlineTeacher);
            cfg.addProperty("hint", hint);
            cfg.addProperty("hintWeight", hintWeight);
            cfg.addProperty("hintEpochs", hintEpochs);
            JsonArray ts = new JsonArray();
            teacher.describe().forEach(ts::add);
            cfg.add("teachers", ts);
            cfg.addProperty("teacherShifts", teacher.shifts);
            cfg.addProperty("transfer", transferFile == null ? "training set" : transferFile.toString());
            cfg.addProperty("transferExamples", transfer.size());
            cfg.addProperty("unlabelled", unlabelled);
            cfg.addProperty("preprocessing", prepared.schema().preprocessing().toString());
            cfg.add("training", config.toJson());
            RunDirectory run = runOptions.create("distill");
            run.writeConfig(cfg);

            Objective objective = new DistillationObjective(batchTeacher, distill);
            HintObjective hinted = hintLayers == null ? null : new HintObjective(objective, online.models().get(0), hintLayers[0],
                    hintLayers[1], spec.hiddenWidths()[hintLayers[0] - 1], hintWeight, hintEpochs, config.seed());
            Workflows.Trained t;
            try (hinted) {
                t = Workflows.train(backend, spec, transfer, prepared.validation(), prepared.test(), prepared.schema(),
                        hinted != null ? hinted : objective, config, run, "student", resume.resume, System.out);
            }
            try (Sequential model = t.model()) {
                Workflows.report(t, prepared.schema(), System.out);
                System.out.printf("student saved to %s (%.1f s)%n", t.file(), t.seconds());
                if (!adjustClasses.isEmpty()) {
                    for (int i = 0; i < adjustClasses.size(); i++) {
                        BiasAdjustment.add(model, adjustDeltas.get(i), adjustClasses.get(i));
                    }
                    Path file = run.file("student-bias-adjusted.safetensors");
                    ModelFile.save(model, prepared.schema(), file, Map.of("bias_adjust", String.join(" ", biasAdjust)));
                    System.out.println("after bias adjustment " + String.join(" ", biasAdjust) + ":");
                    if (prepared.validation() != null) {
                        System.out.print(Inference.evaluate(model, prepared.validation()).format("validation", prepared.schema().classNames()));
                    }
                    if (prepared.test() != null) {
                        System.out.print(Inference.evaluate(model, prepared.test()).format("test", prepared.schema().classNames()));
                    }
                    System.out.println("adjusted student saved to " + file);
                }
            }
        }
        return 0;
    }

    /** Writes the aligned logits, with the transfer-file row of each when they are not every row in order. */
    private void saveLogits(TeacherSource.Aligned aligned, TeacherSource.Transfer transfer) throws java.io.IOException {
        aligned.logits().save(saveTeacherLogits);
        int[] fileRows = new int[aligned.examples().length];
        boolean identity = fileRows.length == transfer.fileRowCount();
        for (int k = 0; k < fileRows.length; k++) {
            fileRows[k] = transfer.fileRows()[aligned.examples()[k]];
            identity &= fileRows[k] == k;
        }
        System.out.println("teacher logits saved to " + saveTeacherLogits);
        if (!identity) {
            Path rows = saveTeacherLogits.resolveSibling(saveTeacherLogits.getFileName() + ".rows.txt");
            StringBuilder sb = new StringBuilder();
            for (int r : fileRows) {
                sb.append(r).append('\n');
            }
            AtomicFiles.writeString(rows, sb.toString());
            System.out.println("their transfer-file rows saved to " + rows + " (give it as --teacher-rows with them)");
        }
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

    /** {@code S:T} as two hidden-layer numbers, each at least 1. */
    static int[] parseHint(String spec) {
        String[] parts = spec.split(":");
        try {
            if (parts.length == 2) {
                int s = Integer.parseInt(parts[0].trim());
                int t = Integer.parseInt(parts[1].trim());
                if (s >= 1 && t >= 1) {
                    return new int[] {s, t};
                }
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new UsageException("--hint must look like S:T, the student's and the teacher's hidden layers numbered from 1"
                + " (e.g. 1:2), found '" + spec + "'");
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
