package org.distill4j.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.io.DataFormatException;

/**
 * What every file reader promises for any bytes at all, checked by the fuzz tests: it returns normally, or it
 * throws a {@link DataFormatException} whose message starts with the file's path and then says what is wrong.
 *
 * <p>Nothing else is acceptable for a readable regular file: not another {@link IOException} (an
 * {@code EOFException}, {@code ZipException} or {@code NoSuchFileException} from a file that exists means a
 * reader let a low-level error escape unexplained), not a {@link RuntimeException} (an index, arithmetic,
 * number-format or JSON error is a parsing bug), and not an {@link Error} ({@code OutOfMemoryError} from a
 * length field that was trusted, {@code StackOverflowError} from nesting). Such throwables propagate out of
 * {@link #check}, and Jazzer reports them as findings. Hangs are caught by the fuzz tests' timeouts.
 */
final class ReaderContract {
    /** Reads one file. */
    @FunctionalInterface
    interface Reader {
        void read(Path file) throws IOException;
    }

    /** Reads two files together, such as IDX images and labels. */
    @FunctionalInterface
    interface PairReader {
        void read(Path first, Path second) throws IOException;
    }

    private static final Path DIR = createDir();

    private ReaderContract() {
    }

    /** A fresh, empty folder for a fuzz test that needs its own (such as a checkpoint folder). */
    static Path newDir() throws IOException {
        return Files.createTempDirectory(DIR, "dir-");
    }

    /** Writes {@code bytes} to a file named {@code input*suffix} and holds {@code reader} to the contract. */
    static void check(byte[] bytes, String suffix, Reader reader) throws IOException {
        Path file = DIR.resolve("input" + suffix);
        Files.write(file, bytes);
        try {
            reader.read(file);
        } catch (DataFormatException e) {
            requireNamesFile(e, file);
        }
    }

    /** As {@link #check}, for a reader of two files; the error must name the one it is about. */
    static void checkPair(byte[] first, byte[] second, String suffix, PairReader reader) throws IOException {
        Path a = DIR.resolve("first" + suffix);
        Path b = DIR.resolve("second" + suffix);
        Files.write(a, first);
        Files.write(b, second);
        try {
            reader.read(a, b);
        } catch (DataFormatException e) {
            requireNamesFile(e, e.getMessage().startsWith(a + ": ") ? a : b);
        }
    }

    private static void requireNamesFile(DataFormatException e, Path file) {
        if (!e.getMessage().startsWith(file + ": ") || e.problem() == null || e.problem().isBlank()) {
            throw new AssertionError("a DataFormatException must name the file, then the problem: " + e.getMessage(), e);
        }
    }

    private static Path createDir() {
        try {
            Path dir = Files.createTempDirectory("distill4j-fuzz-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
