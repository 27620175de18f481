package org.distill4j.distill;

import java.io.IOException;

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

    /** A line for the user: the file, the input and output used and their shapes. */
    String describe();

    @Override
    void close();
}
