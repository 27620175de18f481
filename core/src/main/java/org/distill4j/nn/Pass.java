package org.distill4j.nn;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;

/**
 * One forward (and, when training, backward) pass through a model: the scope that owns its
 * temporaries, whether it trains, the seed for its random masks, and a stack on which layers
 * save what their backward pass needs. Keeping this state here rather than in the layers is
 * what lets many threads run inference through one model at once.
 *
 * <p>Taps: before the forward, {@link #tap} asks for a layer's output, which {@link #tapped} then returns;
 * {@link #addGradient} adds gradient at that output, which the model's backward adds to what flows down
 * from the layers above (hint losses on hidden layers).
 */
public final class Pass {
    private final Scope scope;
    private final boolean training;
    private final long seed;
    private final Deque<Tensor> saved = new ArrayDeque<>();
    private int layerIndex;
    private final Map<Integer, Tensor> taps = new HashMap<>();
    private final Map<Integer, Tensor> extraGradients = new HashMap<>();

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

    /** Asks the model's forward to keep the output of layer {@code index} (0-based in its layer list). */
    public void tap(int index) {
        taps.putIfAbsent(index, null);
    }

    /** The output of layer {@code index}, asked for with {@link #tap} before the forward. */
    public Tensor tapped(int index) {
        Tensor t = taps.get(index);
        if (t == null) {
            throw new IllegalStateException("layer " + index + " was not tapped before the forward pass");
        }
        return t;
    }

    /** Adds {@code grad} (the output's shape) to the gradient at the output of layer {@code index} in the backward. */
    public void addGradient(int index, Tensor grad) {
        Tensor before = extraGradients.get(index);
        if (before != null) {
            backend().axpy(1f, grad, before);
        } else {
            extraGradients.put(index, grad);
        }
    }

    /** Called by the model after layer {@code index}'s forward. */
    void record(int index, Tensor output) {
        if (taps.containsKey(index)) {
            taps.put(index, output);
        }
    }

    /** Called by the model before layer {@code index}'s backward: {@code grad} plus any gradient added there. */
    Tensor withAddedGradient(int index, Tensor grad) {
        Tensor extra = extraGradients.remove(index);
        if (extra == null) {
            return grad;
        }
        Tensor sum = scope.tensor(grad.shape());
        backend().copy(grad, sum);
        backend().axpy(1f, extra, sum);
        return sum;
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
