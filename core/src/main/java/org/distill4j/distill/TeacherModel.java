package org.distill4j.distill;

import java.io.IOException;
import java.util.List;

/**
 * A teacher model in a format distill4j does not train (an ONNX file), opened by a {@link TeacherModelReader} and
 * run over raw features, batch by batch. Not thread-safe; closing it frees what the reader opened.
 */
public interface TeacherModel extends AutoCloseable {
    /**
     * Checks, before any batch is run, that examples of {@code featureCount} features fit the model's input; throws an
     * {@link IllegalArgumentException} naming the file, the model's input shape and the data's otherwise.
     */
    void checkInput(int featureCount);

    /** The model's outputs for {@code rows} examples of raw features, row-major: {@code rows x classes} values. */
    float[] run(float[] features, int rows) throws IOException;

    /** Whether {@link #run} gives probabilities (turned into logits by {@link ProbabilityLogits}) rather than logits. */
    boolean givesProbabilities();

    /**
     * What the model says of the data it takes and gives, for reading a test file for it.
     *
     * @param featureCount its raw features per example, or -1 when its input shape leaves that open
     * @param classCount   its outputs per example, or -1 when its output shape leaves that open
     * @param featureNames the names of its features, or {@code null}
     * @param classNames   the names of its classes, or {@code null}
     */
    record Signature(int featureCount, int classCount, List<String> featureNames, List<String> classNames) {
    }

    /** What the model says of its data; by default nothing. */
    default Signature signature() {
        return new Signature(-1, -1, null, null);
    }

    /** A line for the user: the file, the input and output used and their shapes. */
    String describe();

    @Override
    void close();
}
