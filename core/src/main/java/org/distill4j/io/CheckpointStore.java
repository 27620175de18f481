package org.distill4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distill4j.train.Checkpoints;
import org.distill4j.train.TrainState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints of a training run in a folder: {@code checkpoint.safetensors} (newest) and
 * {@code checkpoint.previous.safetensors}. A save moves the newest file aside (an atomic rename over
 * the previous one) and then writes the new file atomically (temp file, fsync, rename), so a crash
 * at any moment leaves at least one complete checkpoint; a torn or corrupt newest file is reported
 * and the previous one is used.
 *
 * <p>Only a complete checkpoint is ever moved over the previous one: a newest file that is torn or
 * corrupt is deleted instead, so the previous checkpoint survives until a new complete one exists.
 * A save also deletes temporary files that an earlier save killed mid-write left behind.
 */
public final class CheckpointStore implements Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    static final String LATEST = "checkpoint.safetensors";
    static final String PREVIOUS = "checkpoint.previous.safetensors";
    static final String FORMAT = "distill4j.checkpoint";
    private static final String WEIGHT_PREFIX = "model/";
    private static final String OPTIMIZER_PREFIX = "optimizer/";
    private static final String BEST_PREFIX = "best/";

    private final Path dir;
    private final String fingerprint;
    /** Whether {@code checkpoint.safetensors} is known to be complete: read or written by this store. */
    private boolean latestComplete;

    /**
     * @param fingerprint a string identifying the run's model and settings; a checkpoint made by a
     *                    different run is refused on resume rather than silently mixed in
     */
    public CheckpointStore(Path dir, String fingerprint) {
        this.dir = dir;
        this.fingerprint = fingerprint;
    }

    public Path latestFile() {
        return dir.resolve(LATEST);
    }

    /**
     * The newest usable checkpoint: {@code checkpoint.safetensors}, else (torn or corrupt, with a warning)
     * {@code checkpoint.previous.safetensors}; empty when there is none.
     *
     * @throws IllegalStateException when checkpoint files exist but none is usable, or one belongs to another run
     */
    @Override
    public Optional<TrainState> latest() {
        List<String> problems = new ArrayList<>();
        for (String name : List.of(LATEST, PREVIOUS)) {
            Path file = dir.resolve(name);
            if (!Files.exists(file)) {
                continue;
            }
            try {
                TrainState state = read(file);
                latestComplete = name.equals(LATEST);
                return Optional.of(state);
            } catch (DataFormatException e) {
                LOG.warn("checkpoint {} is unusable ({}); trying an older one", file, e.getMessage());
                problems.add(e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read checkpoint " + file, e);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("no usable checkpoint in " + dir + ": " + String.join("; ", problems)
                    + ". Delete the folder to start the run over.");
        }
        return Optional.empty();
    }

    private TrainState read(Path file) throws IOException {
        SafetensorsFile sf = Safetensors.read(file);
        Map<String, String> md = sf.metadata();
        if (!FORMAT.equals(md.get("format"))) {
            throw DataFormatException.mismatch(file.toString(), "__metadata__.format", md.get("format"), FORMAT);
        }
        String found = md.get("fingerprint");
        if (found == null) {
            throw new DataFormatException(file, "checkpoint metadata lacks the run's fingerprint");
        }
        if (!fingerprint.equals(found)) {
            throw new IllegalStateException("checkpoint " + file + " belongs to a different run (model or settings differ); "
                    + "remove it or choose another run name. Expected " + fingerprint + ", found " + found);
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        Map<String, float[]> optimizer = new LinkedHashMap<>();
        Map<String, float[]> best = new LinkedHashMap<>();
        for (NamedTensor t : sf.tensors().values()) {
            if (t.name().startsWith(WEIGHT_PREFIX)) {
                weights.put(t.name().substring(WEIGHT_PREFIX.length()), t.data());
            } else if (t.name().startsWith(OPTIMIZER_PREFIX)) {
                optimizer.put(t.name().substring(OPTIMIZER_PREFIX.length()), t.data());
            } else if (t.name().startsWith(BEST_PREFIX)) {
                best.put(t.name().substring(BEST_PREFIX.length()), t.data());
            }
        }
        return new TrainState((int) count(md, "epochs_done", 0, file), count(md, "global_step", 0, file), weights, optimizer,
                (int) count(md, "best_epoch", -1, file), (int) count(md, "best_errors", 0, file), best);
    }

    /** A counter from the metadata: an integer of at least {@code min} (and, but for global_step, an int). */
    private static long count(Map<String, String> md, String key, long min, Path file) throws DataFormatException {
        String text = md.get(key);
        try {
            long value = key.equals("global_step") ? Long.parseLong(text) : Integer.parseInt(text);
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, null included
        }
        throw DataFormatException.mismatch(file.toString(), "checkpoint metadata " + key,
                text == null ? "missing" : "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'",
                "an integer >= " + min);
    }

    private static boolean isComplete(Path file) throws IOException {
        try {
            Safetensors.read(file);
            return true;
        } catch (DataFormatException e) {
            return false;
        }
    }

    /** Deletes what {@link AtomicFiles} leaves when a process dies while writing {@code checkpoint.safetensors}. */
    private void deleteTemporaries() throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "." + LATEST + ".*.tmp")) {
            for (Path temp : temps) {
                LOG.info("deleting {}, left by a checkpoint save that did not finish", temp);
                Files.deleteIfExists(temp);
            }
        }
    }

    @Override
    public void save(TrainState state) {
        Map<String, String> md = new LinkedHashMap<>();
        md.put("format", FORMAT);
        md.put("fingerprint", fingerprint);
        md.put("epochs_done", Integer.toString(state.epochsDone()));
        md.put("global_step", Long.toString(state.globalStep()));
        md.put("best_epoch", Integer.toString(state.bestEpoch()));
        md.put("best_errors", Integer.toString(state.bestErrors()));
        List<NamedTensor> tensors = new ArrayList<>();
        state.weights().forEach((k, v) -> tensors.add(new NamedTensor(WEIGHT_PREFIX + k, new int[] {v.length}, v)));
        state.optimizer().forEach((k, v) -> tensors.add(new NamedTensor(OPTIMIZER_PREFIX + k, new int[] {v.length}, v)));
        state.bestWeights().forEach((k, v) -> tensors.add(new NamedTensor(BEST_PREFIX + k, new int[] {v.length}, v)));
        try {
            Files.createDirectories(dir);
            deleteTemporaries();
            Path latest = dir.resolve(LATEST);
            if (Files.exists(latest)) {
                if (latestComplete || isComplete(latest)) {
                    Files.move(latest, dir.resolve(PREVIOUS), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    LOG.warn("checkpoint {} is incomplete; deleting it and keeping {}", latest, PREVIOUS);
                    Files.delete(latest);
                }
            }
            latestComplete = false;
            Safetensors.write(latest, md, tensors);
            latestComplete = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint in " + dir, e);
        }
    }
}
