package org.distill4j.train;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends one JSON object per line to a metrics file: a {@code start} record, one {@code epoch}
 * record per epoch (losses, learning rate, validation errors when there are validation data, seconds) and an
 * {@code end} record (which epoch's weights were kept, and why), each
 * with the run's {@code name}, so several runs can share one file.
 * Each line is flushed as written, so a crashed run keeps its history.
 */
public final class JsonLinesMetrics implements TrainListener, AutoCloseable {
    private final Gson gson = new Gson();
    private final BufferedWriter out;
    private final Path path;
    private String runName = "";

    public JsonLinesMetrics(Path path) {
        this.path = path;
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics file " + path, e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void onStart(TrainInfo info) {
        runName = info.name();
        JsonObject o = gson.toJsonTree(info).getAsJsonObject();
        o.addProperty("event", "start");
        write(o);
    }

    @Override
    public void onEpoch(EpochReport e) {
        JsonObject o = new JsonObject();
        o.addProperty("event", "epoch");
        o.addProperty("name", runName);
        o.addProperty("epoch", e.epoch() + 1);
        o.addProperty("epochs", e.epochs());
        o.addProperty("loss", e.meanLoss().total());
        addIfFinite(o, "hardLoss", e.meanLoss().hard());
        addIfFinite(o, "softLoss", e.meanLoss().soft());
        o.addProperty("learningRate", e.learningRate());
        o.addProperty("seconds", e.seconds());
        if (e.evaluation() != null) {
            o.addProperty("valErrors", e.evaluation().errors());
            o.addProperty("valExamples", e.evaluation().examples());
        }
        write(o);
    }

    @Override
    public void onEnd(TrainResult r) {
        JsonObject o = new JsonObject();
        o.addProperty("event", "end");
        o.addProperty("name", runName);
        o.addProperty("epochsRun", r.epochsRun());
        if (r.best() != null) {
            o.addProperty("bestEpoch", r.bestEpoch() + 1);
        }
        o.addProperty("seconds", r.seconds());
        o.addProperty("stoppedEarly", r.stoppedEarly());
        o.addProperty("keptEpoch", r.keptEpoch() + 1);
        o.addProperty("selection", r.selection().name());
        if (r.best() != null) {
            o.add("validation", r.best().toJson());
        }
        write(o);
    }

    /** Writes any record, e.g. a summary made after training. */
    public synchronized void write(JsonObject record) {
        try {
            out.write(gson.toJson(record));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics file " + path, e);
        }
    }

    private static void addIfFinite(JsonObject o, String key, double v) {
        if (Double.isFinite(v)) {
            o.addProperty(key, v);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close metrics file " + path, e);
        }
    }
}
