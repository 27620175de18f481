package org.distill4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.distill4j.data.Dataset;
import org.distill4j.data.Preprocessing;
import org.distill4j.io.CheckpointStore;
import org.distill4j.io.ModelFile;
import org.distill4j.io.ModelSchema;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Sequential;
import org.distill4j.train.TrainState;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The files a run reads back beyond raw tensors, mutated whole: model files ({@link ModelFile#load}: format
 * strings, the architecture JSON, layer configs, parameter names and shapes) and checkpoints ({@link CheckpointStore#latest}:
 * fingerprint and counters). Loading must also free every tensor it allocated when it fails.
 *
 * <p>A checkpoint store reports bad content by falling back to the previous checkpoint (here: none) and then
 * refusing with an {@link IllegalStateException} that says no checkpoint is usable; a checkpoint of a
 * different run is refused the same way, saying so.
 */
@Timeout(60)
class ModelFileFuzzTest {
    private static final String FINGERPRINT = "fuzz-run";

    static {
        System.setProperty("org.slf4j.simpleLogger.log.org.distill4j.io.CheckpointStore", "error");
    }

    /** Whole model or checkpoint files, mutated. */
    @MethodSource("files")
    @FuzzTest(maxDuration = "30s")
    void file(byte[] bytes) throws Exception {
        loadModel(bytes);
        loadCheckpoint(bytes);
    }

    static void loadModel(byte[] bytes) throws Exception {
        try (StorageBackend backend = new StorageBackend()) {
            ReaderContract.check(bytes, ".safetensors", f -> ModelFile.load(backend, f).close());
            if (backend.liveTensors() != 0) {
                throw new AssertionError(backend.liveTensors() + " tensors left allocated after loading a model file");
            }
        }
    }

    private static void loadCheckpoint(byte[] bytes) throws Exception {
        Path dir = ReaderContract.newDir();
        Path file = dir.resolve("checkpoint.safetensors");
        Files.write(file, bytes);
        try {
            new CheckpointStore(dir, FINGERPRINT).latest();
        } catch (IllegalStateException e) {
            if (!e.getMessage().contains("belongs to a different run") && !e.getMessage().startsWith("no usable checkpoint in ")) {
                throw e;
            }
        } finally {
            Files.delete(file);
            Files.delete(dir);
        }
    }

    static Sequential model(StorageBackend backend, MlpSpec spec) {
        return spec.build(backend, 1);
    }

    static Stream<Arguments> files() {
        try (StorageBackend backend = new StorageBackend();
             Sequential small = model(backend, MlpSpec.parse("4-3-2"));
             Sequential regularised = model(backend, MlpSpec.parse("3-4-4-2").withDropout(0.2f, 0.5f).withMaxNorm(3.5f))) {
            return Stream.of(
                    Seeds.written(f -> ModelFile.save(small, f, Map.of("note", "seed"))),
                    Seeds.written(f -> ModelFile.save(regularised, f, Map.of())),
                    Seeds.written(f -> ModelFile.save(small, new ModelSchema(
                            Preprocessing.of(Preprocessing.Kind.STANDARDIZE, new float[] {1, 2, 3, 4}, new float[] {1, 0.5f, 2, 1},
                                    new float[] {1, 2, 3, 4}),
                            List.of("a", "b", "c", "d"), List.of("no", "yes"), new Dataset.ImageShape(1, 2, 2)), f, Map.of())),
                    checkpoint(FINGERPRINT, new TrainState(2, 17, Map.of("layers.0.weight", new float[] {1, 2}),
                            Map.of("layers.0.weight.velocity", new float[] {0, 1}), 1, 3,
                            Map.of("layers.0.weight", new float[] {1, 1}))),
                    checkpoint("another-run", new TrainState(1, 1, Map.of(), Map.of(), -1, Integer.MAX_VALUE, Map.of()))
            ).map(b -> Arguments.of((Object) b));
        }
    }

    private static byte[] checkpoint(String fingerprint, TrainState state) {
        return Seeds.written(f -> {
            new CheckpointStore(f.getParent(), fingerprint).save(state);
            Files.move(f.resolveSibling("checkpoint.safetensors"), f);
        });
    }
}
