package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.distill4j.io.CheckpointStore;
import org.distill4j.io.NamedTensor;
import org.distill4j.io.Safetensors;
import org.distill4j.io.SafetensorsFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed with SIGKILL mid-epoch resumes from its last checkpoint and ends with weights
 * bit-identical to an uninterrupted run with the same seed; with its newest checkpoint torn in half, it resumes
 * from the one before and still ends bit-identical. Every run is a child JVM ({@link TrainingChild}) on the CPU
 * backend with 2 threads.
 */
class CrashResumeTest {
    private static final long LINE_TIMEOUT_SECONDS = 120;

    @TempDir
    Path dir;

    /** A running child JVM whose output lines are queued as they arrive. */
    private static final class Child {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> seen = new ArrayList<>();

        Child(Path checkpoints, Path model, long pauseMillis, Path log) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules", "jdk.incubator.vector", "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), TrainingChild.class.getName(),
                    checkpoints.toString(), model.toString(), Long.toString(pauseMillis)));
            process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process was killed
                }
            }, "child-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits for the line {@code expected}, keeping every line seen on the way. */
        void await(String expected) throws InterruptedException {
            while (true) {
                String line = lines.poll(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (line == null) {
                    fail("no '" + expected + "' from the training process within " + LINE_TIMEOUT_SECONDS + " s; seen " + tail());
                }
                seen.add(line);
                if (line.equals(expected)) {
                    return;
                }
            }
        }

        /** Waits for the process to exit and returns its exit code. */
        int finish() throws InterruptedException {
            if (!process.waitFor(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("the training process did not exit; seen " + tail());
            }
            return process.exitValue();
        }

        private List<String> tail() {
            return seen.subList(Math.max(0, seen.size() - 5), seen.size());
        }
    }

    /** Runs a child to the end and returns its final weights. */
    private SafetensorsFile runToEnd(Path checkpoints, String name, String expectedStart) throws Exception {
        Path model = dir.resolve(name + ".safetensors");
        Child child = new Child(checkpoints, model, 0, dir.resolve(name + ".log"));
        child.await(expectedStart);
        child.await("done");
        assertEquals(0, child.finish(), name + " exit code; see " + dir.resolve(name + ".log"));
        return Safetensors.read(model);
    }

    private static void assertBitIdentical(SafetensorsFile expected, SafetensorsFile actual, String what) {
        assertEquals(expected.tensors().keySet(), actual.tensors().keySet(), what);
        for (NamedTensor e : expected.tensors().values()) {
            float[] a = actual.tensors().get(e.name()).data();
            float[] x = e.data();
            assertEquals(x.length, a.length, what + " " + e.name());
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(a[i])) {
                    fail(what + ": " + e.name() + "[" + i + "] is " + a[i] + ", the uninterrupted run has " + x[i]);
                }
            }
        }
    }

    @Test
    @Timeout(600)
    @DisplayName("kill -9 mid-epoch, resume from the last checkpoint (or, torn, the one before): same weights as an uninterrupted run")
    void killedRunResumesToTheSameWeights() throws Exception {
        SafetensorsFile uninterrupted = runToEnd(dir.resolve("straight"), "uninterrupted", "start 0");

        Path checkpoints = dir.resolve("crashed");
        Path never = dir.resolve("crashed.safetensors");
        Child crashing = new Child(checkpoints, never, 50, dir.resolve("crashed.log"));
        crashing.await("saved 2");
        crashing.await("step 2 " + TrainingChild.STEPS_PER_EPOCH / 2);
        crashing.process.destroyForcibly();
        assertEquals(128 + 9, crashing.finish(), "killed by SIGKILL");
        assertFalse(Files.exists(never), "the killed run must not have finished");
        // Normally 2; later only if this thread was held up for more than half an epoch (50 ms a step).
        int saved = new CheckpointStore(checkpoints, "crash-resume-test").latest().orElseThrow().epochsDone();
        assertTrue(saved >= 2 && saved < TrainingChild.EPOCHS, "epochs in the last checkpoint: " + saved);

        Path torn = dir.resolve("torn");
        Files.createDirectories(torn);
        for (String name : List.of("checkpoint.safetensors", "checkpoint.previous.safetensors")) {
            Files.copy(checkpoints.resolve(name), torn.resolve(name));
        }

        assertBitIdentical(uninterrupted, runToEnd(checkpoints, "resumed", "start " + saved), "resumed after kill -9");

        Path newest = torn.resolve("checkpoint.safetensors");
        try (FileChannel c = FileChannel.open(newest, StandardOpenOption.WRITE)) {
            c.truncate(c.size() / 2);
        }
        assertBitIdentical(uninterrupted, runToEnd(torn, "resumed-from-previous", "start " + (saved - 1)),
                "resumed from the previous checkpoint after the newest was torn");
    }
}
