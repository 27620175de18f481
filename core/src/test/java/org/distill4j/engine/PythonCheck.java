package org.distill4j.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs small Python scripts as an independent reader of our files, where python3 and numpy exist. */
final class PythonCheck {
    private PythonCheck() {
    }

    static boolean numpyAvailable() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code script} with {@code args}; returns its standard output, failing on a non-zero exit. */
    static String run(String script, String... args) throws IOException, InterruptedException {
        Path file = Files.createTempFile("distill4j-check", ".py");
        try {
            Files.writeString(file, script);
            List<String> cmd = new ArrayList<>(List.of("python3", file.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("python check failed: " + out);
            }
            return out;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
