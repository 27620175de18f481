package org.distill4j.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.distill4j.backend.Backend;
import org.distill4j.data.Mnist;
import org.distill4j.nn.MlpSpec;
import org.distill4j.train.HardLabelObjective;
import org.distill4j.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code distill4j train}: trains a teacher or a plain student on hard labels. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model (a teacher, or a student alone) on hard labels; writes runs/<name>/model.safetensors.")
final class TrainCommand implements Callable<Integer> {
    @Mixin BackendOptions backendOptions;
    @Mixin DataOptions data;
    @Mixin ModelOptions model;
    @Mixin TrainingOptions training;

    @Option(names = "--name", description = "Run name: output goes to <runs>/<name>/ (default: train-<time>).")
    String name;

    @Option(names = "--runs", description = "Folder of runs (default: ${DEFAULT-VALUE}).", defaultValue = "runs")
    Path runs;

    @Option(names = "--resume", description = "Continue the named run from its last checkpoint.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        // Every option is checked, and the data read, before any run folder or backend is made.
        TrainConfig config = training.apply(TrainConfig.builder().epochs(20).learningRate(0.05f).build());
        MlpSpec spec = model.mlp();
        if (resume && name == null) {
            throw new UsageException("--resume needs --name of the run to continue");
        }
        RunDirectory.checkName(name);
        backendOptions.check();
        Mnist.Split split = data.load();
        if (spec.inputSize() != split.train().featureCount()) {
            throw new UsageException("--model " + spec.widths() + " takes " + spec.inputSize()
                    + " inputs, but the data have " + split.train().featureCount() + " features per example");
        }
        RunDirectory run = RunDirectory.create(runs, name, "train");
        JsonObject cfg = new JsonObject();
        cfg.addProperty("command", "train");
        cfg.addProperty("model", spec.widths());
        cfg.addProperty("inputDropout", model.inputDropout);
        cfg.addProperty("hiddenDropout", model.hiddenDropout);
        cfg.addProperty("maxNorm", model.maxNorm);
        cfg.add("training", config.toJson());
        cfg.addProperty("trainExamples", split.train().size());
        run.writeConfig(cfg);
        try (Backend backend = backendOptions.create()) {
            Workflows.Trained t = Workflows.train(backend, spec, split.train(), split.test(), new HardLabelObjective(),
                    config, run, "model", resume, System.out);
            try (var m = t.model()) {
                System.out.print(t.test().format());
                System.out.printf("model saved to %s (%.1f s)%n", t.file(), t.seconds());
            }
        }
        return 0;
    }
}
