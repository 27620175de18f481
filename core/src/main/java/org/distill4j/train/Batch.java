package org.distill4j.train;

import org.distill4j.backend.Tensor;

/**
 * One minibatch on the device: its examples' indices in the dataset, their features
 * {@code [N, features]} and labels {@code [N]} (class indices as floats, -1 = unlabelled), and the
 * 0-based epoch it belongs to.
 */
public record Batch(int[] indices, Tensor features, Tensor labels, int epoch) {
    public int size() {
        return indices.length;
    }
}
