package org.distill4j.optim;

import java.util.Map;
import org.distill4j.nn.Parameter;

/** Checks on optimiser state read back from a checkpoint. */
final class OptimizerState {
    private OptimizerState() {
    }

    static float[] require(Map<String, float[]> state, String key, Parameter p) {
        float[] v = state.get(key);
        if (v == null) {
            throw new IllegalArgumentException("optimiser state lacks '" + key + "'");
        }
        if (v.length != p.value().size()) {
            throw new IllegalArgumentException("optimiser state '" + key + "' has " + v.length + " values, parameter "
                    + p.name() + " has " + p.value().size());
        }
        return v;
    }
}
