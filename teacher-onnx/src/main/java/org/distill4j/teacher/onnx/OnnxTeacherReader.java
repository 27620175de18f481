package org.distill4j.teacher.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.distill4j.distill.TeacherModel;
import org.distill4j.distill.TeacherModelReader;

/** Opens {@code .onnx} teachers with ONNX Runtime; options {@code input}, {@code output}, {@code output-kind}, {@code threads}. */
public final class OnnxTeacherReader implements TeacherModelReader {
    @Override
    public String suffix() {
        return ".onnx";
    }

    @Override
    public TeacherModel open(Path file, Map<String, String> options) throws IOException {
        return OnnxTeacher.open(file, OnnxTeacherOptions.of(options));
    }
}
