package org.distill4j.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data or model file does not have the content its format requires.
 *
 * <p>The message always starts with the file, then names the field or problem and, where there is one,
 * what was found and what was expected, for example
 * {@code t10k-labels-idx1-ubyte: magic number 0x00000803, expected 0x00000801 (IDX labels)}.
 * Not to be confused with {@link java.util.zip.DataFormatException}, which only the JDK's inflater throws.
 */
public class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String problem;

    /** {@code source} names the file (a path or file name); {@code problem} says what is wrong with it. */
    public DataFormatException(String source, String problem) {
        this(source, problem, null);
    }

    public DataFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
        this.problem = problem;
    }

    public DataFormatException(Path file, String problem) {
        this(String.valueOf(file), problem, null);
    }

    public DataFormatException(Path file, String problem, Throwable cause) {
        this(String.valueOf(file), problem, cause);
    }

    /** A field whose value differs from the one expected: {@code "<source>: <field> <found>, expected <expected>"}. */
    public static DataFormatException mismatch(String source, String field, Object found, Object expected) {
        return new DataFormatException(source, field + " " + found + ", expected " + expected);
    }

    /** The file (path or name) this error is about. */
    public String source() {
        return source;
    }

    /** The message without the file name. */
    public String problem() {
        return problem;
    }
}
