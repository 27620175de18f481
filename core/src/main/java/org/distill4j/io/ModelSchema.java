package org.distill4j.io;

import java.util.List;
import java.util.Objects;
import org.distill4j.data.Dataset;
import org.distill4j.data.Preprocessing;

/**
 * What a model file says about a model's inputs and outputs besides its weights: the preprocessing that turns raw
 * features into inputs, the names of the features (a CSV header) and of the classes (string labels), and the image
 * shape of an input. Names and shape are {@code null} when the training data had none.
 *
 * @param preprocessing applied to raw features before the model; its feature count is the model's input size
 * @param featureNames  one per feature, or {@code null}
 * @param classNames    one per output, or {@code null} (classes are then called by their index)
 * @param imageShape    the layout of one input as an image, or {@code null}
 */
public record ModelSchema(Preprocessing preprocessing, List<String> featureNames, List<String> classNames,
                          Dataset.ImageShape imageShape) {
    public ModelSchema {
        Objects.requireNonNull(preprocessing, "preprocessing");
        featureNames = featureNames == null ? null : List.copyOf(featureNames);
        classNames = classNames == null ? null : List.copyOf(classNames);
        if (featureNames != null && featureNames.size() != preprocessing.featureCount()) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for " + preprocessing.featureCount() + " features");
        }
        if (imageShape != null && imageShape.size() != preprocessing.featureCount()) {
            throw new IllegalArgumentException("image shape " + imageShape + " for " + preprocessing.featureCount() + " features");
        }
    }

    /** Raw features are the inputs, with no names: what every model file of format version 1 means. */
    public static ModelSchema plain(int featureCount) {
        return new ModelSchema(Preprocessing.none(featureCount), null, null, null);
    }

    /** The name of class {@code index}: its label in the training data, or the index itself. */
    public String className(int index) {
        return classNames == null ? Integer.toString(index) : classNames.get(index);
    }
}
