package org.distill4j.train;

import java.io.IOException;
import java.nio.file.Path;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Backends;
import org.distill4j.io.ModelFile;
import org.distill4j.nn.Sequential;

/**
 * A trained model ready for an application: load it once, then call {@link #predict} or
 * {@link #probabilities} from any number of threads. Closing it frees the model and, if it
 * made one, the backend.
 *
 * <pre>{@code
 * try (Classifier digits = Classifier.load(Path.of("student.safetensors"))) {
 *     int digit = digits.predict(pixels); // 784 floats in [0, 1]
 * }
 * }</pre>
 */
public final class Classifier implements AutoCloseable {
    private final Sequential model;
    private final Backend ownedBackend;

    private Classifier(Sequential model, Backend ownedBackend) {
        this.model = model;
        this.ownedBackend = ownedBackend;
    }

    /** Loads a model file on the best available backend (or the one named by {@code DISTILL4J_BACKEND}). */
    public static Classifier load(Path modelFile) throws IOException {
        Backend backend = Backends.create();
        try {
            return new Classifier(ModelFile.load(backend, modelFile), backend);
        } catch (IOException | RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** Loads a model file on a backend the caller owns (and closes). */
    public static Classifier load(Path modelFile, Backend backend) throws IOException {
        return new Classifier(ModelFile.load(backend, modelFile), null);
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
        return features;
    }

    @Override
    public void close() {
        model.close();
        if (ownedBackend != null) {
            ownedBackend.close();
        }
    }
}
