package org.distill4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs small Python scripts that use only the standard library and numpy, as an independent check of our
 * file formats. Tests that need it call {@link #assumeAvailable()}, which skips them (with the reason) where
 * {@code python3} or numpy is missing.
 */
public final class PythonNumpy {
    private static String unavailableReason;
    private static boolean probed;

    private PythonNumpy() {
    }

    /** Skips the calling test unless {@code python3 -c "import numpy"} succeeds. */
    public static synchronized void assumeAvailable() {
        if (!probed) {
            probed = true;
            try {
                Result r = exec(List.of("python3", "-c", "import numpy"), null);
                unavailableReason = r.exitCode == 0 ? null : "python3 cannot import numpy: " + lastLine(r.output);
            } catch (IOException e) {
                unavailableReason = "python3 not runnable: " + e.getMessage();
            }
        }
        Assumptions.assumeTrue(unavailableReason == null, () -> "skipped, independent numpy check unavailable (" + unavailableReason + ")");
    }

    /** Runs {@code script} with {@code args}; fails the test unless it exits 0; returns its standard output. */
    public static String run(Path workDir, String script, String... args) throws IOException {
        Path file = workDir.resolve("check.py");
        Files.writeString(file, script);
        List<String> command = new ArrayList<>(List.of("python3", file.toString()));
        command.addAll(List.of(args));
        Result r = exec(command, workDir);
        assertEquals(0, r.exitCode, () -> "python3 failed:\n" + r.output);
        return r.output;
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\\R");
        return lines[lines.length - 1];
    }

    private record Result(int exitCode, String output) {
    }

    private static Result exec(List<String> command, Path workDir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Process p = pb.start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("python3 did not finish within 60 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }
}
