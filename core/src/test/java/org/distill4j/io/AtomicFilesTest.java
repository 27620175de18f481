package org.distill4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> entries() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesANewFileAndLeavesNothingElse() throws IOException {
        Path target = dir.resolve("model.bin");
        AtomicFiles.write(target, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals(List.of("model.bin"), entries());
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path target = dir.resolve("notes.txt");
        Files.writeString(target, "old content that is longer");
        AtomicFiles.writeString(target, "new");
        assertEquals("new", Files.readString(target));
        assertEquals(List.of("notes.txt"), entries());
    }

    @Test
    void aFailingWriterLeavesTheOldFileIntactAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("weights.safetensors");
        Files.writeString(target, "old");
        IOException failure = assertThrows(IOException.class, () -> AtomicFiles.write(target, channel -> {
            channel.write(ByteBuffer.wrap("partial new cont".getBytes(StandardCharsets.UTF_8)));
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", failure.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("weights.safetensors"), entries());
    }

    @Test
    void aRuntimeFailureAlsoCleansUp() throws IOException {
        Path target = dir.resolve("a.npy");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, channel -> {
            throw new IllegalStateException("bug");
        }));
        assertEquals(List.of(), entries());
    }

    @Test
    void refusesToReplaceADirectory() throws IOException {
        Path target = Files.createDirectory(dir.resolve("sub"));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, new byte[1]));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertTrue(Files.isDirectory(target));
        assertEquals(List.of("sub"), entries());
    }

    @Test
    void aMissingParentDirectoryIsAnError() {
        Path target = dir.resolve("missing").resolve("file");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, new byte[1]));
    }

    @Test
    void streamBodiesAreBufferedAndMayCloseTheStream() throws IOException {
        Path target = dir.resolve("stream.txt");
        AtomicFiles.writeStream(target, out -> {
            for (int i = 0; i < 100_000; i++) {
                out.write('a' + i % 26);
            }
            out.close();
        });
        byte[] bytes = Files.readAllBytes(target);
        assertEquals(100_000, bytes.length);
        assertEquals('a' + 99_999 % 26, bytes[99_999]);
    }
}
