package org.distill4j.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.distill4j.backend.Backend;
import org.distill4j.data.Preprocessing;
import org.distill4j.io.ModelSchema;
import org.distill4j.nn.Dropout;
import org.distill4j.nn.Layer;
import org.distill4j.nn.Linear;
import org.distill4j.nn.Relu;
import org.distill4j.nn.Sequential;

/** Small seeded MLPs and raw inputs for the export tests. */
final class TinyModels {
    private TinyModels() {
    }

    /** A {@code features -> hidden -> hidden -> classes} MLP with ReLUs and a dropout, weights drawn from {@code seed}. */
    static Sequential mlp(Backend backend, int features, int hidden, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        int in = features;
        for (int k = 0; k < 2; k++) {
            Linear l = new Linear(backend, "layers." + layers.size(), in, hidden, 0f);
            l.initialize(Linear.Init.HE, random);
            layers.add(l);
            layers.add(new Relu());
            in = hidden;
        }
        layers.add(new Dropout(0.3f));
        Linear out = new Linear(backend, "layers." + layers.size(), in, classes, 0f);
        out.initialize(Linear.Init.XAVIER, random);
        float[] bias = new float[classes];
        for (int c = 0; c < classes; c++) {
            bias[c] = (float) random.nextGaussian();
        }
        out.bias().value().copyFrom(bias);
        layers.add(out);
        return new Sequential(backend, features, layers);
    }

    /** Standardisation with offsets around 50 and scales around 0.1, as for raw measurements in the tens. */
    static Preprocessing standardize(int features, float[] fill, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] offset = new float[features];
        float[] scale = new float[features];
        for (int j = 0; j < features; j++) {
            offset[j] = (float) (50 + 10 * random.nextGaussian());
            scale[j] = (float) (0.05 + 0.1 * random.nextDouble());
        }
        return Preprocessing.of(Preprocessing.Kind.STANDARDIZE, offset, scale, fill);
    }

    static ModelSchema schema(Preprocessing prep, List<String> features, List<String> classes) {
        return new ModelSchema(prep, features, classes, null);
    }

    /** Raw rows around 50, with every {@code missingEvery}-th value NaN (0 for none). */
    static float[] rawRows(int rows, int features, int missingEvery, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = missingEvery > 0 && i % missingEvery == 3 ? Float.NaN : (float) (50 + 15 * random.nextGaussian());
        }
        return x;
    }
}
