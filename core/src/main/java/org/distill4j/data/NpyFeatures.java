package org.distill4j.data;

import java.io.IOException;
import java.nio.file.Path;
import org.distill4j.io.DataFormatException;
import org.distill4j.io.Npy;
import org.distill4j.io.NpyArray;

/**
 * Reads a features array from a {@code .npy} file: {@code (N, D)} rows of features, {@code (N, H, W)} grey
 * images or {@code (N, C, H, W)} images with channels. Values are kept as stored (a {@code uint8} image stays
 * 0..255); they must be finite.
 */
public final class NpyFeatures {
    private NpyFeatures() {
    }

    /**
     * Features read from a file.
     *
     * @param data       {@code rows x cols} values, row-major
     * @param imageShape the layout of one row as an image, {@code null} for a 2-D array
     * @param dtype      the element type the file stored, such as {@code "<f4"} or {@code "|u1"}
     */
    public record Features(String source, float[] data, int rows, int cols, Dataset.ImageShape imageShape, String dtype) {
    }

    /** Reads and checks {@code file}. */
    public static Features read(Path file) throws IOException {
        NpyArray a = Npy.read(file);
        int[] s = a.shape();
        if (s.length < 2) {
            throw DataFormatException.mismatch(a.source(), "shape", Npy.shapeString(s),
                    "(rows, features), (rows, height, width) or (rows, channels, height, width)");
        }
        if (a.rows() == 0 || a.cols() == 0) {
            throw DataFormatException.mismatch(a.source(), "shape", Npy.shapeString(s), "at least one row and one feature");
        }
        a.requireFinite();
        Dataset.ImageShape image = switch (s.length) {
            case 3 -> new Dataset.ImageShape(1, s[1], s[2]);
            case 4 -> new Dataset.ImageShape(s[1], s[2], s[3]);
            default -> null;
        };
        return new Features(a.source(), a.data(), a.rows(), a.cols(), image, a.descr());
    }
}
