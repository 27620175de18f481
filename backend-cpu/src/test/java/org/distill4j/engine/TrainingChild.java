package org.distill4j.engine;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.cpu.CpuBackendProvider;
import org.distill4j.data.Dataset;
import org.distill4j.io.CheckpointStore;
import org.distill4j.io.ModelFile;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Checkpoints;
import org.distill4j.train.HardLabelObjective;
import org.distill4j.train.TrainConfig;
import org.distill4j.train.TrainListener;
import org.distill4j.train.TrainState;
import org.distill4j.train.Trainer;

/**
 * A training run for {@link CrashResumeTest} to start in a child JVM and kill: a small MLP with dropout and
 * max-norm trained with SGD and Nesterov momentum on synthetic data, on the CPU backend with 2 threads,
 * checkpointing after every epoch into a folder and resuming from it when it holds a checkpoint.
 *
 * <p>Arguments: the checkpoint folder, the file for the final model, and a pause in milliseconds after every step
 * (so the parent can kill the run mid-epoch). It prints {@code start <epoch>}, {@code step <epoch> <step>},
 * {@code saved <epochs done>} (after a checkpoint is on disk) and {@code done}, one line each, flushed.
 */
public final class TrainingChild {
    static final int EPOCHS = 5;
    static final int STEPS_PER_EPOCH = 16;

    private TrainingChild() {
    }

    public static void main(String[] args) throws Exception {
        Path checkpointDir = Path.of(args[0]);
        Path modelFile = Path.of(args[1]);
        long pauseMillis = Long.parseLong(args[2]);
        SyntheticData problem = new SyntheticData(7, 8, 40, 10, 1.2);
        Dataset train = problem.sample(STEPS_PER_EPOCH * 32, 31);
        Dataset eval = problem.sample(200, 32);
        TrainConfig config = TrainConfig.builder().epochs(EPOCHS).batchSize(32).learningRate(0.05f).momentum(0.9f)
                .nesterov(true).weightDecay(1e-4f).seed(17).build();
        CheckpointStore store = new CheckpointStore(checkpointDir, "crash-resume-test");
        Checkpoints announced = new Checkpoints() {
            @Override
            public Optional<TrainState> latest() {
                return store.latest();
            }

            @Override
            public void save(TrainState state) {
                store.save(state);
                System.out.println("saved " + state.epochsDone());
            }
        };
        TrainListener progress = new TrainListener() {
            @Override
            public void onStart(TrainInfo info) {
                System.out.println("start " + info.startEpoch());
            }

            @Override
            public void onStep(StepReport step) {
                System.out.println("step " + step.epoch() + " " + step.stepInEpoch());
                if (pauseMillis > 0) {
                    try {
                        Thread.sleep(pauseMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        try (Backend backend = new CpuBackendProvider().create(BackendConfig.named("cpu").withOption("cpu", "threads", "2"));
             Sequential model = MlpSpec.parse("40-64-64-10").withDropout(0.1f, 0.3f).withMaxNorm(3f).build(backend, 5)) {
            new Trainer(config).checkpoints(announced).listener(progress).fit(model, train, new HardLabelObjective(), eval);
            ModelFile.save(model, modelFile, Map.of());
        }
        System.out.println("done");
    }
}
