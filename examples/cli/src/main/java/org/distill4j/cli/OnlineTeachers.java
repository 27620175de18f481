package org.distill4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.backend.Backend;
import org.distill4j.data.Preprocessing;
import org.distill4j.io.ModelFile;
import org.distill4j.nn.Sequential;

/** Teacher model files held open for a run that evaluates them on every batch ({@code distill --online-teacher}). */
final class OnlineTeachers implements AutoCloseable {
    private final List<ModelFile.Saved> saved;

    private OnlineTeachers(List<ModelFile.Saved> saved) {
        this.saved = saved;
    }

    /**
     * Loads each file on {@code backend}. A teacher sees the student's inputs as they are, so its saved preprocessing
     * must be {@code studentInputs}; otherwise a usage error names the file and both.
     */
    static OnlineTeachers open(Backend backend, List<Path> files, Preprocessing studentInputs) throws IOException {
        List<ModelFile.Saved> saved = new ArrayList<>();
        try {
            for (Path file : files) {
                ModelFile.Saved s = ModelFile.read(backend, file);
                saved.add(s);
                if (!s.schema().preprocessing().equals(studentInputs)) {
                    throw new UsageException("--online-teacher: teacher " + file + " takes inputs preprocessed as "
                            + s.schema().preprocessing() + ", the student's are " + studentInputs
                            + "; give the student the teacher's --preprocess, or drop --online-teacher");
                }
            }
            return new OnlineTeachers(saved);
        } catch (IOException | RuntimeException e) {
            saved.forEach(ModelFile.Saved::close);
            throw e;
        }
    }

    List<Sequential> models() {
        return saved.stream().map(ModelFile.Saved::model).toList();
    }

    @Override
    public void close() {
        saved.forEach(ModelFile.Saved::close);
    }
}
