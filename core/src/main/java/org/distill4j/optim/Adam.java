package org.distill4j.optim;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Tensor;
import org.distill4j.nn.Parameter;

/** Adam (Kingma and Ba) with L2 weight decay, as PyTorch's Adam; the schedule's momentum is used as beta1. */
public final class Adam implements Optimizer {
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final Map<Parameter, Tensor[]> moments = new IdentityHashMap<>();
    private int step;

    public Adam(float beta2, float eps, float weightDecay) {
        if (!(beta2 >= 0f && beta2 < 1f) || !(eps > 0f) || !(weightDecay >= 0f)) {
            throw new IllegalArgumentException("Adam needs 0 <= beta2 < 1, eps > 0, weight decay >= 0; found "
                    + beta2 + ", " + eps + ", " + weightDecay);
        }
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    public int stepCount() {
        return step;
    }

    @Override
    public void step(List<Parameter> parameters, float learningRate, float beta1) {
        step++;
        for (Parameter p : parameters) {
            Tensor[] mv = momentsOf(p);
            p.value().backend().adamUpdate(p.value(), p.grad(), mv[0], mv[1], learningRate, beta1, beta2, eps,
                    weightDecay, step);
        }
    }

    private Tensor[] momentsOf(Parameter p) {
        return moments.computeIfAbsent(p, k -> {
            Backend b = k.value().backend();
            Tensor m = b.tensor(k.value().shape());
            Tensor v = b.tensor(k.value().shape());
            b.fill(m, 0f);
            b.fill(v, 0f);
            return new Tensor[] {m, v};
        });
    }

    @Override
    public Map<String, float[]> state(List<Parameter> parameters) {
        Map<String, float[]> s = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            Tensor[] mv = momentsOf(p);
            s.put(p.name() + ".adam_m", mv[0].toArray());
            s.put(p.name() + ".adam_v", mv[1].toArray());
        }
        s.put("adam.step", new float[] {step});
        return s;
    }

    @Override
    public void restore(List<Parameter> parameters, Map<String, float[]> state) {
        for (Parameter p : parameters) {
            Tensor[] mv = momentsOf(p);
            mv[0].copyFrom(OptimizerState.require(state, p.name() + ".adam_m", p));
            mv[1].copyFrom(OptimizerState.require(state, p.name() + ".adam_v", p));
        }
        float[] s = state.get("adam.step");
        if (s == null || s.length != 1) {
            throw new IllegalArgumentException("optimiser state lacks 'adam.step'");
        }
        step = (int) s[0];
    }

    @Override
    public void close() {
        for (Tensor[] mv : moments.values()) {
            mv[0].close();
            mv[1].close();
        }
        moments.clear();
    }
}
