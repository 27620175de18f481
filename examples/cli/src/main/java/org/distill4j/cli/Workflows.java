package org.distill4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.distill4j.backend.Backend;
import org.distill4j.data.Dataset;
import org.distill4j.io.CheckpointStore;
import org.distill4j.io.ModelFile;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Evaluation;
import org.distill4j.train.ImageJitter;
import org.distill4j.train.Inference;
import org.distill4j.train.JsonLinesMetrics;
import org.distill4j.train.Objective;
import org.distill4j.train.TrainConfig;
import org.distill4j.train.TrainResult;
import org.distill4j.train.Trainer;

/** The training run every command shares: metrics, checkpoints, resume, progress, saving the model. */
final class Workflows {
    private Workflows() {
    }

    /** A trained model, its final test evaluation and the run's wall time. */
    record Trained(Sequential model, TrainResult result, Evaluation test, double seconds, Path file) {
    }

    /**
     * Trains a fresh model of {@code spec} on {@code train} with {@code objective}, evaluating on
     * {@code test} after each epoch; writes metrics and checkpoints under {@code run}, and the
     * final model to {@code run/<label>.safetensors}. With {@code resume}, continues from the
     * run's last checkpoint.
     */
    static Trained train(Backend backend, MlpSpec spec, Dataset train, Dataset test, Objective objective,
                         TrainConfig config, RunDirectory run, String label, boolean resume, PrintStream out)
            throws IOException {
        Path checkpointDir = run.file("checkpoints-" + label);
        if (!resume && Files.exists(checkpointDir)) {
            try (var files = Files.list(checkpointDir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
        }
        String fingerprint = label + "|" + spec.widths() + "|" + spec.inputDropout() + "|" + spec.hiddenDropout() + "|"
                + spec.maxNorm() + "|" + config.toJson() + "|" + objective.describe() + "|" + train.size();
        Sequential model = spec.build(backend, config.seed());
        try (JsonLinesMetrics metrics = new JsonLinesMetrics(run.metrics())) {
            Trainer trainer = new Trainer(config).name(label)
                    .listener(new ConsoleProgress(label, out))
                    .listener(metrics)
                    .checkpoints(new CheckpointStore(checkpointDir, fingerprint));
            if (config.jitterPixels() > 0) {
                int side = (int) Math.round(Math.sqrt(train.featureCount()));
                if (side * side != train.featureCount()) {
                    throw new UsageException("--jitter needs square images; rows have " + train.featureCount() + " features");
                }
                trainer.augmentation(new ImageJitter(side, side, config.jitterPixels()));
            }
            TrainResult result = trainer.fit(model, train, objective, test);
            Evaluation eval = result.stoppedEarly() || result.last() == null ? Inference.evaluate(model, test) : result.last();
            Path file = run.file(label + ".safetensors");
            ModelFile.save(model, file, Map.of("label", label, "train_config", config.toJson().toString(),
                    "objective", objective.describe(), "test_errors", Integer.toString(eval.errors())));
            return new Trained(model, result, eval, result.seconds(), file);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
