package org.distill4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Backends;
import org.distill4j.io.ModelFile;
import org.distill4j.io.ModelSchema;
import org.distill4j.nn.Sequential;

/**
 * A trained model ready for an application: load it once, then call {@link #predict} or
 * {@link #probabilities} from any number of threads with raw features, as the training files had them: the
 * preprocessing saved in the model file (standardisation, scaling, imputation) is applied here. A NaN is a missing
 * value, filled when the model was trained with imputation and refused otherwise; an infinity is always refused,
 * with an {@link IllegalArgumentException} naming it, never turned into a prediction. Closing it frees the model
 * and, if it made one, the backend.
 *
 * <pre>{@code
 * try (Classifier digits = Classifier.load(Path.of("student.safetensors"))) {
 *     int digit = digits.predict(pixels); // 784 floats in [0, 1]
 *     String name = digits.className(digit); // "7", or the label's name when the training labels were strings
 * }
 * }</pre>
 */
public final class Classifier implements AutoCloseable {
    private final Sequential model;
    private final ModelSchema schema;
    private final Backend ownedBackend;

    private Classifier(ModelFile.Saved saved, Backend ownedBackend) {
        this.model = saved.model();
        this.schema = saved.schema();
        this.ownedBackend = ownedBackend;
    }

    /** Loads a model file on the best available backend (or the one named by {@code DISTILL4J_BACKEND}). */
    public static Classifier load(Path modelFile) throws IOException {
        Backend backend = Backends.create();
        try {
            return new Classifier(ModelFile.read(backend, modelFile), backend);
        } catch (IOException | RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** Loads a model file on a backend the caller owns (and closes). */
    public static Classifier load(Path modelFile, Backend backend) throws IOException {
        return new Classifier(ModelFile.read(backend, modelFile), null);
    }

    /** The names of the features in order (the training file's header), when it had them. */
    public Optional<List<String>> featureNames() {
        return Optional.ofNullable(schema.featureNames());
    }

    /** The names of the classes in order, when the training labels had names. */
    public Optional<List<String>> classNames() {
        return Optional.ofNullable(schema.classNames());
    }

    /** The name of class {@code index}: its label in the training data, or the index as text. */
    public String className(int index) {
        return schema.className(index);
    }

    /** The most likely class of one example, by name (see {@link #className}). */
    public String predictName(float[] features) {
        return className(predict(features));
    }

    /** Number of input features the model expects. */
    public int inputSize() {
        return model.inputSize();
    }

    /** Number of classes. */
    public int classes() {
        return model.outputSize();
    }

    /** The most likely class of one example. */
    public int predict(float[] features) {
        return Inference.argmax(model.logits(check(features, 1), 1), classes())[0];
    }

    /** The most likely class of each of {@code n} examples given row-major. */
    public int[] predictBatch(float[] features, int n) {
        return Inference.argmax(model.logits(check(features, n), n), classes());
    }

    /** Class probabilities of one example (softmax at temperature 1). */
    public float[] probabilities(float[] features) {
        double[] p = Probabilities.softmax(model.logits(check(features, 1), 1), 1.0);
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = (float) p[i];
        }
        return out;
    }

    private float[] check(float[] features, int n) {
        if (n < 1 || features.length != (long) n * model.inputSize()) {
            throw new IllegalArgumentException("expected " + n + " x " + model.inputSize() + " features, found " + features.length);
        }
        return schema.preprocessing().transform(features, n);
    }

    @Override
    public void close() {
        model.close();
        if (ownedBackend != null) {
            ownedBackend.close();
        }
    }
}
