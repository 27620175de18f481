package org.distill4j.train;

import org.distill4j.backend.Backend;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;

/**
 * One minibatch on the device: its examples' indices in the dataset, their features
 * {@code [N, features]} and labels {@code [N]} (class indices as floats, -1 = unlabelled), the
 * 0-based epoch it belongs to, and, when its features were mixed ({@link Mixup}), its mixing weight and
 * its partners' labels (otherwise {@code null}).
 */
public record Batch(int[] indices, Tensor features, Tensor labels, int epoch, Mixed mixed) {
    /** A mixed batch's weight {@code lambda} and the labels {@code [N]} of the rows mixed in. */
    public record Mixed(float lambda, Tensor partnerLabels) {
    }

    /** A batch whose features are not mixed. */
    public Batch(int[] indices, Tensor features, Tensor labels, int epoch) {
        this(indices, features, labels, epoch, null);
    }

    public int size() {
        return indices.length;
    }

    /**
     * The hard-label cross-entropy, {@code CE(labels)}, or for a mixed batch
     * {@code lambda * CE(labels) + (1 - lambda) * CE(partner labels)}; writes {@code weight} times its gradient into
     * {@code grad} and returns the (unweighted) loss.
     */
    public double crossEntropy(Tensor logits, float weight, Tensor grad, Scope scope) {
        Backend b = logits.backend();
        Tensor loss = scope.tensor(1);
        if (mixed == null) {
            b.crossEntropy(logits, labels, weight, grad, loss);
            return loss.toArray()[0];
        }
        float lambda = mixed.lambda();
        b.crossEntropy(logits, labels, weight * lambda, grad, loss);
        double own = loss.toArray()[0];
        Tensor partnerGrad = scope.tensor(logits.shape());
        b.crossEntropy(logits, mixed.partnerLabels(), weight * (1 - lambda), partnerGrad, loss);
        b.axpy(1f, partnerGrad, grad);
        return lambda * own + (1 - lambda) * loss.toArray()[0];
    }
}
