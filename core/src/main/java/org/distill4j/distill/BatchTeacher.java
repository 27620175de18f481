package org.distill4j.distill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.distill4j.data.Dataset;
import org.distill4j.data.Preprocessing;
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
        return new Online(models.stream().<Member>map(Member.Native::new).toList(), combine, temperature);
    }

    /** One teacher of an {@link Online} teacher. */
    sealed interface Member {
        /** A distill4j model, which takes the student's inputs as they are. */
        record Native(Sequential model) implements Member {
            @Override
            public int classes() {
                return model.outputSize();
            }
        }

        /**
         * A model of another format (ONNX), which takes raw features: each batch of the student's inputs is turned back
         * into the raw features {@code studentInputs} maps to them ({@link Preprocessing#restore}), and its
         * probabilities, if it gives them, into logits. An output that is not finite stops training, naming the example.
         *
         * @param classes the model's output count
         */
        record Foreign(TeacherModel model, Path file, Preprocessing studentInputs, int classes) implements Member {
            /**
             * The member for {@code model}, its input checked; its classes are those its output shape declares, or
             * counted by running it on one example (the raw features of zero inputs).
             */
            public static Foreign of(TeacherModel model, Path file, Preprocessing studentInputs) throws IOException {
                int d = studentInputs.featureCount();
                model.checkInput(d);
                int classes = model.signature().classCount();
                if (classes < 0) {
                    classes = model.run(studentInputs.restore(new float[d], 1), 1).length;
                }
                if (classes < 2) {
                    throw new IllegalArgumentException("teacher " + file + " gives " + classes + " output per example; expected"
                            + " one per class, at least 2");
                }
                return new Foreign(model, file, studentInputs, classes);
            }

            float[] logits(float[] inputs, Batch batch) {
                int rows = batch.size();
                try {
                    float[] out = TeacherModels.outputs(model, file, studentInputs.restore(inputs, rows), rows, classes,
                            r -> batch.indices()[r]);
                    return model.givesProbabilities() ? ProbabilityLogits.convert(file, out, rows, classes).logits() : out;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        /** The number of classes the member scores. */
        int classes();
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

    /** See {@link BatchTeacher#online}; its members may mix distill4j models and models of other formats. */
    record Online(List<Member> members, TeacherLogits.Combine combine, float temperature) implements BatchTeacher {
        public Online {
            members = List.copyOf(members);
            if (members.isEmpty()) {
                throw new IllegalArgumentException("an online teacher needs at least one model");
            }
            int classes = members.get(0).classes();
            for (Member m : members) {
                if (m.classes() != classes) {
                    throw new IllegalArgumentException("ensemble members disagree: " + classes + " vs " + m.classes() + " outputs");
                }
            }
        }

        @Override
        public Tensor logits(Batch batch, Scope scope) {
            if (members.size() == 1 && members.get(0) instanceof Member.Native n) {
                return n.model().forward(batch.features(), Pass.inference(scope));
            }
            float[] inputs = null;
            List<TeacherLogits> scored = new ArrayList<>();
            for (Member m : members) {
                float[] z;
                if (m instanceof Member.Foreign f) {
                    inputs = inputs != null ? inputs : batch.features().toArray();
                    z = f.logits(inputs, batch);
                } else {
                    z = ((Member.Native) m).model().forward(batch.features(), Pass.inference(scope)).toArray();
                }
                scored.add(TeacherLogits.of(z, batch.size(), classes()));
            }
            Tensor t = scope.tensor(batch.size(), classes());
            t.copyFrom(scored.size() == 1 ? scored.get(0).toArray() : TeacherLogits.ensemble(scored, combine, temperature).toArray(), 0);
            return t;
        }

        @Override
        public int classes() {
            return members.get(0).classes();
        }

        @Override
        public void checkFits(Dataset data, int studentClasses) {
            if (studentClasses != classes()) {
                throw new IllegalArgumentException("the student has " + studentClasses + " outputs, the teacher " + classes());
            }
            for (Member m : members) {
                if (m instanceof Member.Native n && n.model().inputSize() != data.featureCount()) {
                    throw new IllegalArgumentException("the online teacher takes " + n.model().inputSize()
                            + " features, the transfer set has " + data.featureCount());
                }
                if (m instanceof Member.Foreign f) {
                    f.model().checkInput(data.featureCount());
                }
            }
        }
    }
}
