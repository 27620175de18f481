package org.distill4j.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.distill4j.io.AtomicFiles;

/** {@code runs/<name>/}: where a command writes its config, JSON-lines metrics and models. */
record RunDirectory(Path path) {
    static RunDirectory create(Path runsRoot, String name, String defaultPrefix) throws IOException {
        String n = name != null ? name
                : defaultPrefix + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        if (n.contains("/") || n.contains("..") || n.isBlank()) {
            throw new IllegalArgumentException("run name must be a plain folder name, found '" + n + "'");
        }
        Path p = runsRoot.resolve(n);
        Files.createDirectories(p);
        return new RunDirectory(p);
    }

    Path file(String name) {
        return path.resolve(name);
    }

    Path metrics() {
        return path.resolve("metrics.jsonl");
    }

    void writeConfig(JsonObject config) throws IOException {
        AtomicFiles.writeString(path.resolve("config.json"), new GsonBuilder().setPrettyPrinting().create().toJson(config) + "\n");
    }
}
