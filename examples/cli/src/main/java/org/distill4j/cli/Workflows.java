package org.distill4j.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.distill4j.backend.Backend;
import org.distill4j.data.DataFiles;
import org.distill4j.data.Dataset;
import org.distill4j.data.Preprocessing;
import org.distill4j.distill.TeacherSource;
import org.distill4j.io.CheckpointStore;
import org.distill4j.io.ModelFile;
import org.distill4j.io.ModelSchema;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.ModelSpec;
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

    /** The model's inputs (preprocessed) of the training, validation and test sets, and the schema to save. */
    record Prepared(Dataset train, Dataset validation, Dataset test, ModelSchema schema) {
    }

    /**
     * Fits {@code kind} (or, when {@code null}, the data's default) on the training set and applies it to every set;
     * the schema keeps it with the training set's feature names, class names and image shape.
     */
    static Prepared prepare(DataOptions options, DataFiles.Loaded data, Preprocessing.Kind kind) throws IOException {
        Dataset train = data.train();
        Preprocessing.Kind k = kind != null ? kind : options.defaultPreprocessing(train);
        Preprocessing p = Preprocessing.fit(k, train, data.imputeFill());
        ModelSchema schema = new ModelSchema(p, train.featureNames().orElse(null), data.classes().names().orElse(null),
                train.imageShape().orElse(null));
        return new Prepared(p.apply(train), data.val() == null ? null : p.apply(data.val()),
                data.test() == null ? null : p.apply(data.test()), schema);
    }

    /** The training set as a transfer set, with each example's row in the training file (a validation split leaves gaps). */
    static TeacherSource.Transfer trainingTransfer(DataFiles.Loaded data) {
        int fileRows = data.trainRows().length + (data.valRows() == null ? 0 : data.valRows().length);
        return new TeacherSource.Transfer(data.train(), data.trainRows(), fileRows);
    }

    /** Prints what the data are: sizes, classes and preprocessing, and whether a validation set chooses the epoch. */
    static void describe(DataFiles.Loaded data, Prepared prepared, PrintStream out) {
        out.printf("data: %d training, %s validation, %s test examples; %d features, %d classes%s; preprocessing %s%n",
                data.train().size(), data.val() == null ? "no" : Integer.toString(data.val().size()),
                data.test() == null ? "no" : Integer.toString(data.test().size()), data.train().featureCount(),
                data.classes().count(), data.classes().names().map(n -> " " + DataFiles.abbreviate(n)).orElse(""),
                prepared.schema().preprocessing());
        if (data.val() == null) {
            out.println("no validation data (--val or --val-fraction): every epoch runs and the last one is kept");
        }
    }

    /**
     * A trained model, the evaluations of the kept weights on the validation and test sets (either {@code null}
     * without such data), and the run's wall time.
     */
    record Trained(Sequential model, TrainResult result, int epochs, Evaluation validation, Evaluation test, double seconds,
                   Path file) {
        /** Validation and test errors side by side, and which epoch's weights were kept. */
        String summary() {
            StringBuilder sb = new StringBuilder();
            sb.append("kept ").append(result.describeKept(epochs));
            sb.append("; validation ").append(validation == null ? "none" : errors(validation));
            sb.append(", test ").append(test == null ? "none" : errors(test));
            return sb.append('\n').toString();
        }

        private static String errors(Evaluation e) {
            return String.format("%d errors of %d (%.2f%%)", e.errors(), e.examples(), 100.0 * e.errors() / e.examples());
        }
    }

    /** Prints which epoch was kept, validation and test errors side by side, and the test set's full report. */
    static void report(Trained t, ModelSchema schema, PrintStream out) {
        out.print(t.summary());
        if (t.test() != null) {
            out.print(t.test().format("test", schema.classNames()));
        } else if (t.validation() != null) {
            out.print(t.validation().format("validation", schema.classNames()));
        }
    }

    /**
     * Trains a fresh model of {@code spec} on {@code train} with {@code objective}, evaluating on
     * {@code validation} after each epoch to choose the kept epoch (and to stop early), and on {@code test} once at
     * the end; either may be {@code null}. The data are the model's inputs, already preprocessed; {@code schema}
     * is saved with the model so it takes raw features. Writes metrics and checkpoints under {@code run}, and the
     * model to {@code run/<label>.safetensors}. With {@code resume}, continues from the run's last checkpoint.
     */
    static Trained train(Backend backend, ModelSpec spec, Dataset train, Dataset validation, Dataset test, ModelSchema schema,
                         Objective objective, TrainConfig config, RunDirectory run, String label, boolean resume,
                         PrintStream out) throws IOException {
        Path checkpointDir = run.file("checkpoints-" + label);
        if (!resume && Files.exists(checkpointDir)) {
            try (var files = Files.list(checkpointDir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
        }
        String described = spec instanceof MlpSpec m ? m.widths() + "|" + m.inputDropout() + "|" + m.hiddenDropout() + "|"
                + m.maxNorm() : spec.describe();
        String fingerprint = label + "|" + described + "|" + config.toJson() + "|" + objective.describe() + "|" + train.size();
        Sequential model = spec.build(backend, config.seed());
        try (JsonLinesMetrics metrics = new JsonLinesMetrics(run.metrics())) {
            Trainer trainer = new Trainer(config).name(label)
                    .listener(new ConsoleProgress(label, out))
                    .listener(metrics)
                    .checkpoints(new CheckpointStore(checkpointDir, fingerprint));
            if (config.jitterPixels() > 0 || config.horizontalFlip()) {
                Dataset.ImageShape image = train.imageShape().orElseThrow(() -> new UsageException(
                        "--jitter and --flip need images (IDX files, or .npy of N x H x W or N x C x H x W); these rows are "
                        + train.featureCount() + " features"));
                trainer.augmentation(new ImageJitter(image.channels(), image.height(), image.width(), config.jitterPixels(),
                        config.horizontalFlip()));
            }
            TrainResult result = trainer.fit(model, train, objective, validation);
            Evaluation val = validation == null ? null : result.best();
            Evaluation eval = test == null ? null : Inference.evaluate(model, test);
            Path file = run.file(label + ".safetensors");
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("label", label);
            extra.put("train_config", config.toJson().toString());
            extra.put("objective", objective.describe());
            extra.put("kept_epoch", Integer.toString(result.keptEpoch() + 1));
            extra.put("selection", result.selection().name());
            if (val != null) {
                extra.put("validation_errors", Integer.toString(val.errors()));
            }
            if (eval != null) {
                extra.put("test_errors", Integer.toString(eval.errors()));
            }
            ModelFile.save(model, schema, file, extra);
            JsonObject summary = new JsonObject();
            summary.addProperty("event", "evaluation");
            summary.addProperty("name", label);
            summary.addProperty("keptEpoch", result.keptEpoch() + 1);
            summary.addProperty("selection", result.selection().name());
            summary.add("validation", val == null ? null : val.toJson());
            summary.add("test", eval == null ? null : eval.toJson());
            metrics.write(summary);
            return new Trained(model, result, config.epochs(), val, eval, result.seconds(), file);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
