package org.distill4j.cli;

import com.google.gson.JsonObject;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.data.DataFiles;
import org.distill4j.nn.ModelSpec;
import org.distill4j.train.HardLabelObjective;
import org.distill4j.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code distill4j train}: trains a teacher or a plain student on hard labels. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model (a teacher, or a student alone) on hard labels; writes runs/<name>/model.safetensors.")
final class TrainCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions;
    @Mixin DataOptions data;
    @Mixin ModelOptions model;
    @Mixin TrainingOptions training;
    @Mixin RunOptions runOptions;
    @Mixin ResumeOption resume;

    @Override
    public Integer call() throws Exception {
        // Every option is checked, and the data read, before any run folder or backend is made.
        TrainConfig config = training.apply(TrainConfig.builder().epochs(20).learningRate(0.05f).build());
        model.check();
        runOptions.check();
        resume.check(runOptions);
        data.check();
        backendOptions.check();
        DataFiles.Loaded loaded = data.load(null, null);
        Workflows.Prepared prepared = Workflows.prepare(data, loaded, model.preprocessing());
        ModelSpec spec = model.spec(loaded.train().featureCount(), loaded.train().imageShape().orElse(null),
                loaded.classes().count());
        TrainingOptions.checkPatience(config, prepared.validation());
        RunDirectory run = runOptions.create("train");
        JsonObject cfg = new JsonObject();
        cfg.addProperty("command", "train");
        cfg.addProperty("model", spec.describe());
        cfg.addProperty("inputDropout", model.inputDropout);
        cfg.addProperty("hiddenDropout", model.hiddenDropout);
        cfg.addProperty("maxNorm", model.maxNorm);
        cfg.addProperty("preprocessing", prepared.schema().preprocessing().toString());
        cfg.add("training", config.toJson());
        cfg.addProperty("trainExamples", loaded.train().size());
        cfg.addProperty("validationExamples", loaded.val() == null ? 0 : loaded.val().size());
        run.writeConfig(cfg);
        Workflows.describe(loaded, prepared, System.out);
        try (Backend backend = backendOptions.create()) {
            Workflows.Trained t = Workflows.train(backend, spec, prepared.train(), prepared.validation(), prepared.test(),
                    prepared.schema(), new HardLabelObjective(), config, run, "model", resume.resume, System.out);
            try (var m = t.model()) {
                Workflows.report(t, prepared.schema(), System.out);
                System.out.printf("model saved to %s (%.1f s)%n", t.file(), t.seconds());
            }
        }
        return 0;
    }
}
