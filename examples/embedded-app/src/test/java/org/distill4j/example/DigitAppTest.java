package org.distill4j.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Backends;
import org.distill4j.io.ModelFile;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Classifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An app with only core and the CPU backend on its class path can load a saved model and classify with it. */
class DigitAppTest {
    @Test
    void classifierLoadsASavedModelWithOnlyCoreAndOneBackend(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("student.safetensors");
        float[] x = new float[784];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) / 7f;
        }
        int expected;
        try (Backend backend = Backends.create(); Sequential model = MlpSpec.parse("784-30-30-10").build(backend, 3)) {
            ModelFile.save(model, file, Map.of());
            expected = org.distill4j.train.Inference.argmax(model.logits(x, 1), 10)[0];
        }
        try (Classifier c = Classifier.load(file)) {
            assertEquals(784, c.inputSize());
            assertEquals(expected, c.predict(x));
            float[] p = c.probabilities(x);
            double sum = 0;
            for (float v : p) {
                sum += v;
            }
            assertEquals(1.0, sum, 1e-5);
            assertThrows(IllegalArgumentException.class, () -> c.predict(new float[783]));
        }
    }
}
