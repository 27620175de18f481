package org.distill4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads the MNIST handwritten digits (60,000 training and 10,000 test images of 28 x 28 pixels, 10 classes) from
 * the four standard IDX files in one directory, each raw or gzip-compressed ({@code name} or {@code name.gz}).
 * {@link MnistFetcher} puts them there.
 */
public final class Mnist {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** The four file names, without a {@code .gz} suffix. */
    public static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    public static final int CLASS_COUNT = 10;

    private Mnist() {
    }

    /** The training and test sets. */
    public record Split(Dataset train, Dataset test) {
    }

    /** Loads both sets from {@code dir}; a missing file is reported by name with the ways to get it. */
    public static Split load(Path dir) throws IOException {
        for (String name : FILES) {
            find(dir, name);
        }
        Dataset train = IdxReader.read(find(dir, TRAIN_IMAGES), find(dir, TRAIN_LABELS), CLASS_COUNT);
        Dataset test = IdxReader.read(find(dir, TEST_IMAGES), find(dir, TEST_LABELS), CLASS_COUNT);
        return new Split(train, test);
    }

    /** The file {@code name} or else {@code name.gz} in {@code dir}. */
    public static Path find(Path dir, String name) throws NoSuchFileException {
        Path raw = dir.resolve(name);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new NoSuchFileException(raw.toString(), null, "MNIST file " + name + " (or " + name + ".gz) not found in "
                + dir.toAbsolutePath() + ". " + MnistFetcher.howToGet(dir));
    }
}
