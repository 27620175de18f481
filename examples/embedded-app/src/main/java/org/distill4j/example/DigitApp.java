package org.distill4j.example;

import java.nio.file.Path;
import org.distill4j.data.Dataset;
import org.distill4j.data.Mnist;
import org.distill4j.train.Classifier;

/**
 * What a user's own app looks like: it depends on distill4j-core and distill4j-backend-cpu only,
 * loads a distilled student once and classifies digits with it.
 *
 * <p>Usage: {@code DigitApp MODEL.safetensors [MNIST_DIR]}; prints the first few test digits'
 * predictions and the accuracy over the test set.
 */
public final class DigitApp {
    private DigitApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: DigitApp MODEL.safetensors [MNIST_DIR (default data/mnist)]");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        Dataset test = Mnist.load(Path.of(args.length > 1 ? args[1] : "data/mnist")).test();
        try (Classifier digits = Classifier.load(model)) {
            float[] pixels = new float[test.featureCount()];
            int correct = 0;
            long start = System.nanoTime();
            for (int i = 0; i < test.size(); i++) {
                test.features(i, pixels, 0);
                int predicted = digits.predict(pixels);
                if (predicted == test.label(i)) {
                    correct++;
                }
                if (i < 5) {
                    System.out.printf("test digit %d: predicted %d, label %d%n", i, predicted, test.label(i));
                }
            }
            double micros = (System.nanoTime() - start) / 1e3 / test.size();
            System.out.printf("%d of %d test digits right (%.2f%%), %.1f us per single-example prediction%n",
                    correct, test.size(), 100.0 * correct / test.size(), micros);
        }
    }
}
