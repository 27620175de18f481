package org.distill4j.distill;

import java.util.ArrayList;
import java.util.List;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.distill4j.data.Dataset;
import org.distill4j.nn.Pass;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Batch;

/** The teacher's logits for the examples of a training batch: looked up in precomputed logits, or computed on the batch. */
public sealed interface BatchTeacher {
    /** Teacher logits {@code [batch rows, classes]}, in {@code scope}. */
    Tensor logits(Batch batch, Scope scope);

    /** The number of classes the teacher scores. */
    int classes();

    /** Throws naming the problem unless this teacher can serve the transfer set {@code data} for a student with {@code studentClasses} outputs. */
    void checkFits(Dataset data, int studentClasses);

    /** Logits computed once, before training, looked up by example index: they cannot follow augmentation. */
    static BatchTeacher cached(TeacherLogits logits) {
        return new Cached(logits);
    }

    /**
     * The teacher (or ensemble, combined by {@code combine} at {@code temperature}) run in inference mode on each
     * batch's features, so it sees exactly the view the student sees, augmentation included. The models take the
     * student's inputs as they are: their preprocessing must be the student's.
     */
    static BatchTeacher online(List<Sequential> models, TeacherLogits.Combine combine, float temperature) {
        return new Online(List.copyOf(models), combine, temperature);
    }

    /** See {@link BatchTeacher#cached}. */
    record Cached(TeacherLogits teacher) implements BatchTeacher {
        @Override
        public Tensor logits(Batch batch, Scope scope) {
            if (batch.mixed() != null) {
                throw new IllegalStateException("teacher logits computed once cannot follow mixup's mixed inputs;"
                        + " run the teacher on each batch (--online-teacher)");
            }
            int rows = batch.size();
            int classes = teacher.classes();
            float[] host = new float[rows * classes];
            for (int r = 0; r < rows; r++) {
                teacher.row(batch.indices()[r], host, r * classes);
            }
            Tensor t = scope.tensor(rows, classes);
            t.copyFrom(host, 0);
            return t;
        }

        @Override
        public int classes() {
            return teacher.classes();
        }

        @Override
        public void checkFits(Dataset data, int studentClasses) {
            teacher.checkFits(data.size(), studentClasses, "distillation");
        }
    }

    /** See {@link BatchTeacher#online}. */
    record Online(List<Sequential> models, TeacherLogits.Combine combine, float temperature) implements BatchTeacher {
        public Online {
            if (models.isEmpty()) {
                throw new IllegalArgumentException("an online teacher needs at least one model");
            }
            int classes = models.get(0).outputSize();
            for (Sequential m : models) {
                if (m.outputSize() != classes) {
                    throw new IllegalArgumentException("ensemble members disagree: " + classes + " vs " + m.outputSize() + " outputs");
                }
            }
        }

        @Override
        public Tensor logits(Batch batch, Scope scope) {
            if (models.size() == 1) {
                return models.get(0).forward(batch.features(), Pass.inference(scope));
            }
            List<TeacherLogits> members = new ArrayList<>();
            for (Sequential m : models) {
                Tensor z = m.forward(batch.features(), Pass.inference(scope));
                members.add(TeacherLogits.of(z.toArray(), batch.size(), classes()));
            }
            Tensor t = scope.tensor(batch.size(), classes());
            t.copyFrom(TeacherLogits.ensemble(members, combine, temperature).toArray(), 0);
            return t;
        }

        @Override
        public int classes() {
            return models.get(0).outputSize();
        }

        @Override
        public void checkFits(Dataset data, int studentClasses) {
            if (studentClasses != classes()) {
                throw new IllegalArgumentException("the student has " + studentClasses + " outputs, the teacher " + classes());
            }
            for (Sequential m : models) {
                if (m.inputSize() != data.featureCount()) {
                    throw new IllegalArgumentException("the online teacher takes " + m.inputSize() + " features, the transfer set has "
                            + data.featureCount());
                }
            }
        }
    }
}
