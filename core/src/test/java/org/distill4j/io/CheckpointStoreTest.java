package org.distill4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.distill4j.train.TrainState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints survive crashes at any moment: torn files, a save interrupted between its steps, leftovers. */
class CheckpointStoreTest {
    @TempDir
    Path dir;

    private static TrainState state(int epochs) {
        return new TrainState(epochs, 10L * epochs, Map.of("w", new float[] {epochs, -epochs, 0.5f}),
                Map.of("w.velocity", new float[] {0.25f * epochs, 0, 1}), epochs - 1, 100 - epochs,
                Map.of("w", new float[] {epochs - 1, 1 - epochs, 0.5f}));
    }

    private CheckpointStore store() {
        return new CheckpointStore(dir, "run-a");
    }

    private Path latestFile() {
        return dir.resolve(CheckpointStore.LATEST);
    }

    private Path previousFile() {
        return dir.resolve(CheckpointStore.PREVIOUS);
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(size);
        }
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @DisplayName("a saved state comes back exactly: counters, weights and optimiser state")
    void roundTrip() {
        store().save(state(3));
        TrainState back = store().latest().orElseThrow();
        assertEquals(3, back.epochsDone());
        assertEquals(30, back.globalStep());
        assertEquals(2, back.bestEpoch());
        assertEquals(97, back.bestErrors());
        assertArrayEquals(new float[] {3, -3, 0.5f}, back.weights().get("w"));
        assertArrayEquals(new float[] {0.75f, 0, 1}, back.optimizer().get("w.velocity"));
        assertArrayEquals(new float[] {2, -2, 0.5f}, back.bestWeights().get("w"), "the best epoch's weights, for the model selection at the end");
    }

    @Test
    @DisplayName("no checkpoint files: nothing to resume")
    void emptyFolder() {
        assertTrue(store().latest().isEmpty());
    }

    @Test
    @DisplayName("a newest checkpoint torn at any byte is detected and the previous one is used")
    void tornLatestFallsBackToPrevious() throws IOException {
        CheckpointStore writer = store();
        writer.save(state(1));
        writer.save(state(2));
        byte[] complete = Files.readAllBytes(latestFile());
        for (long cut : new long[] {0, 4, 8, 20, complete.length / 2, complete.length - 12, complete.length - 1}) {
            Files.write(latestFile(), complete);
            truncate(latestFile(), cut);
            assertEquals(1, store().latest().orElseThrow().epochsDone(), "newest file cut to " + cut + " bytes");
        }
    }

    @Test
    @DisplayName("a crash after a save moved the newest file aside, before the new one exists, resumes from it")
    void crashBetweenRotationAndWrite() throws IOException {
        CheckpointStore writer = store();
        writer.save(state(1));
        writer.save(state(2));
        // What save(state(3)) does first; the process dies before writing the new file.
        Files.move(latestFile(), previousFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertEquals(2, store().latest().orElseThrow().epochsDone());
        CheckpointStore resumed = store();
        resumed.latest();
        resumed.save(state(3));
        assertEquals(3, store().latest().orElseThrow().epochsDone());
        assertEquals(List.of(CheckpointStore.PREVIOUS, CheckpointStore.LATEST), entries());
    }

    @Test
    @DisplayName("after resuming from the previous checkpoint, the next save never moves the torn file over it")
    void tornLatestIsNeverRotatedOverTheGoodPrevious() throws IOException {
        CheckpointStore writer = store();
        writer.save(state(1));
        writer.save(state(2));
        truncate(latestFile(), Files.size(latestFile()) / 2);

        CheckpointStore resumed = store();
        assertEquals(1, resumed.latest().orElseThrow().epochsDone());
        resumed.save(state(2));
        // Had the torn file been moved over the previous one, a crash during this save would have left no complete checkpoint.
        assertEquals(1, readEpochs(previousFile()));
        assertEquals(2, readEpochs(latestFile()));
    }

    @Test
    @DisplayName("a store that did not look before saving also checks the newest file before moving it aside")
    void freshStoreChecksBeforeRotating() throws IOException {
        CheckpointStore writer = store();
        writer.save(state(1));
        writer.save(state(2));
        truncate(latestFile(), 100);
        store().save(state(3));
        assertEquals(1, readEpochs(previousFile()));
        assertEquals(3, readEpochs(latestFile()));
    }

    @Test
    @DisplayName("temporary files left by a save killed mid-write are deleted by the next save")
    void leftoversOfAKilledSaveAreRemoved() throws IOException {
        store().save(state(1));
        Files.write(dir.resolve("." + CheckpointStore.LATEST + ".0123456789abcdef.tmp"), new byte[1000]);
        Files.writeString(dir.resolve("notes.txt"), "not ours");
        store().save(state(2));
        assertEquals(List.of(CheckpointStore.PREVIOUS, CheckpointStore.LATEST, "notes.txt"), entries());
    }

    @Test
    @DisplayName("when every checkpoint file is unusable, resuming fails and says why instead of starting over")
    void noUsableCheckpointIsAnError() throws IOException {
        CheckpointStore writer = store();
        writer.save(state(1));
        writer.save(state(2));
        truncate(latestFile(), 3);
        Files.write(previousFile(), new byte[] {'{'});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store().latest());
        assertTrue(e.getMessage().startsWith("no usable checkpoint in " + dir), e.getMessage());
        assertTrue(e.getMessage().contains(CheckpointStore.LATEST) && e.getMessage().contains(CheckpointStore.PREVIOUS), e.getMessage());
    }

    @Test
    @DisplayName("a checkpoint of a different run is refused, not mixed in")
    void otherRunsCheckpointIsRefused() {
        store().save(state(1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new CheckpointStore(dir, "run-b").latest());
        assertTrue(e.getMessage().contains("belongs to a different run"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    @DisplayName("a newest checkpoint with nonsense metadata (negative or missing counters, no fingerprint, another format) is skipped")
    void garbledMetadataFallsBackToPrevious() throws IOException {
        store().save(state(1));
        store().save(state(2));
        Map<String, String> good = Safetensors.read(latestFile()).metadata();
        List<NamedTensor> tensors = List.copyOf(Safetensors.read(latestFile()).tensors().values());
        for (String[] change : new String[][] {{"epochs_done", "-3"}, {"global_step", "x"}, {"best_errors", null},
                {"best_epoch", "-2"}, {"fingerprint", null}, {"format", "something.else"}, {"epochs_done", "99999999999"}}) {
            Map<String, String> md = new java.util.LinkedHashMap<>(good);
            if (change[1] == null) {
                md.remove(change[0]);
            } else {
                md.put(change[0], change[1]);
            }
            Safetensors.write(latestFile(), md, tensors);
            assertEquals(1, store().latest().orElseThrow().epochsDone(), change[0] + " = " + change[1]);
        }
    }

    private int readEpochs(Path file) throws IOException {
        return Integer.parseInt(Safetensors.read(file).metadata().get("epochs_done"));
    }
}
