package org.distill4j.nn;

import java.util.ArrayDeque;
import java.util.Deque;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;

/**
 * One forward (and, when training, backward) pass through a model: the scope that owns its
 * temporaries, whether it trains, the seed for its random masks, and a stack on which layers
 * save what their backward pass needs. Keeping this state here rather than in the layers is
 * what lets many threads run inference through one model at once.
 */
public final class Pass {
    private final Scope scope;
    private final boolean training;
    private final long seed;
    private final Deque<Tensor> saved = new ArrayDeque<>();
    private int layerIndex;

    private Pass(Scope scope, boolean training, long seed) {
        this.scope = scope;
        this.training = training;
        this.seed = seed;
    }

    /** A pass for inference: dropout off, nothing saved. */
    public static Pass inference(Scope scope) {
        return new Pass(scope, false, 0L);
    }

    /** A training pass whose dropout masks derive from {@code seed}. */
    public static Pass training(Scope scope, long seed) {
        return new Pass(scope, true, seed);
    }

    public Scope scope() {
        return scope;
    }

    public Backend backend() {
        return scope.backend();
    }

    public boolean training() {
        return training;
    }

    /** A seed for the current layer's random mask, distinct per layer and per pass. */
    public long layerSeed() {
        return seed * 0x9E3779B97F4A7C15L + layerIndex * 0xD1B54A32D192ED03L + 1;
    }

    /** Called by the model before each layer's forward and backward. */
    void enterLayer(int index) {
        this.layerIndex = index;
    }

    /** A temporary tensor of this pass. */
    public Tensor tensor(int... shape) {
        return scope.tensor(shape);
    }

    /** Saves a tensor for the backward pass (only when training). */
    public void save(Tensor t) {
        if (training) {
            saved.push(t);
        }
    }

    /** Takes back the most recently saved tensor. */
    public Tensor restore() {
        Tensor t = saved.poll();
        if (t == null) {
            throw new IllegalStateException("backward pass without a matching training forward pass");
        }
        return t;
    }
}
