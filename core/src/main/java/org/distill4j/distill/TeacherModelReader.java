package org.distill4j.distill;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens teacher models of one file format (a {@link java.util.ServiceLoader} service, so a format's runtime, such as
 * ONNX Runtime in {@code distill4j-teacher-onnx}, stays out of core). {@link TeacherModels} consults the readers on
 * the class path for every {@code --teacher} file whose suffix is not a distill4j model's.
 */
public interface TeacherModelReader {
    /** The file suffix this reader opens, with its dot ({@code .onnx}). */
    String suffix();

    /**
     * Opens {@code file}; {@code options} are the reader's own settings by name (for ONNX: {@code input},
     * {@code output}, {@code output-kind}), absent ones meaning the default. A file that does not parse is a
     * {@link org.distill4j.io.DataFormatException} naming it; an option that does not fit the model an
     * {@link IllegalArgumentException} naming both.
     */
    TeacherModel open(Path file, Map<String, String> options) throws IOException;
}
