package org.distill4j.optim;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.backend.Tensor;
import org.distill4j.nn.Parameter;

/** Stochastic gradient descent with (optionally Nesterov) momentum and L2 weight decay, as PyTorch's SGD. */
public final class Sgd implements Optimizer {
    private final float weightDecay;
    private final boolean nesterov;
    private final Map<Parameter, Tensor> velocity = new IdentityHashMap<>();

    public Sgd(float weightDecay, boolean nesterov) {
        if (!(weightDecay >= 0f) || Float.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be >= 0, found " + weightDecay);
        }
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    @Override
    public void step(List<Parameter> parameters, float learningRate, float momentum) {
        for (Parameter p : parameters) {
            p.value().backend().sgdUpdate(p.value(), p.grad(), velocityOf(p), learningRate, momentum, weightDecay, nesterov);
        }
    }

    private Tensor velocityOf(Parameter p) {
        return velocity.computeIfAbsent(p, k -> {
            Tensor v = k.value().backend().tensor(k.value().shape());
            k.value().backend().fill(v, 0f);
            return v;
        });
    }

    @Override
    public Map<String, float[]> state(List<Parameter> parameters) {
        Map<String, float[]> s = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            s.put(p.name() + ".velocity", velocityOf(p).toArray());
        }
        return s;
    }

    @Override
    public void restore(List<Parameter> parameters, Map<String, float[]> state) {
        for (Parameter p : parameters) {
            velocityOf(p).copyFrom(OptimizerState.require(state, p.name() + ".velocity", p));
        }
    }

    @Override
    public void close() {
        velocity.values().forEach(Tensor::close);
        velocity.clear();
    }
}
