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
        checkName(n);
        Path p = runsRoot.resolve(n);
        Files.createDirectories(p);
        return new RunDirectory(p);
    }

    /** Throws unless {@code name} (null: a generated one) is a plain folder name. */
    static void checkName(String name) {
        if (name != null && (name.contains("/") || name.contains("\\") || name.contains("..") || name.isBlank())) {
            throw new UsageException("--name must be a plain folder name, found '" + name + "'");
        }
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
