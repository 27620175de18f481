package org.distill4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distill4j.backend.Backend;
import org.distill4j.data.Preprocessing;
import org.distill4j.distill.BatchTeacher;
import org.distill4j.distill.TeacherModel;
import org.distill4j.distill.TeacherModels;
import org.distill4j.io.ModelFile;
import org.distill4j.nn.Sequential;

/**
 * Teacher model files held open for a run that evaluates them on every batch ({@code distill --online-teacher}):
 * distill4j models, and models of other formats (ONNX), which take the raw features the student's inputs come from.
 */
final class OnlineTeachers implements AutoCloseable {
    private final List<AutoCloseable> open;
    private final List<BatchTeacher.Member> members;

    private OnlineTeachers(List<AutoCloseable> open, List<BatchTeacher.Member> members) {
        this.open = open;
        this.members = members;
    }

    /**
     * Opens each file: a distill4j model on {@code backend}, whose saved preprocessing must be {@code studentInputs}
     * (it sees the student's inputs as they are; otherwise a usage error names the file and both), or a model of
     * another format with {@code readerOptions}, checked against the student's feature count.
     */
    static OnlineTeachers open(Backend backend, List<Path> files, Preprocessing studentInputs, Map<String, String> readerOptions)
            throws IOException {
        List<AutoCloseable> open = new ArrayList<>();
        List<BatchTeacher.Member> members = new ArrayList<>();
        try {
            for (Path file : files) {
                if (TeacherModels.isForeign(file)) {
                    TeacherModel model = TeacherModels.open(file, readerOptions);
                    open.add(model);
                    members.add(BatchTeacher.Member.Foreign.of(model, file, studentInputs));
                    continue;
                }
                ModelFile.Saved s = ModelFile.read(backend, file);
                open.add(s);
                if (!s.schema().preprocessing().equals(studentInputs)) {
                    throw new UsageException("--online-teacher: teacher " + file + " takes inputs preprocessed as "
                            + s.schema().preprocessing() + ", the student's are " + studentInputs
                            + "; give the student the teacher's --preprocess, or drop --online-teacher");
                }
                members.add(new BatchTeacher.Member.Native(s.model()));
            }
            return new OnlineTeachers(open, members);
        } catch (IOException | RuntimeException e) {
            closeAll(open);
            throw e;
        }
    }

    List<BatchTeacher.Member> members() {
        return members;
    }

    /** The distill4j models among the teachers. */
    List<Sequential> models() {
        return members.stream().filter(m -> m instanceof BatchTeacher.Member.Native)
                .map(m -> ((BatchTeacher.Member.Native) m).model()).toList();
    }

    @Override
    public void close() {
        closeAll(open);
    }

    private static void closeAll(List<AutoCloseable> open) {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing a teacher: " + e.getMessage(), e);
            }
        }
    }
}
