package org.distill4j.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * An array read from a {@code .npy} file, converted to float32 and stored row-major (C order).
 *
 * <p>{@code source} names the file in error messages; {@code descr} is the element type the file stored, such as
 * {@code "<f4"}. The data array is not copied.
 */
public record NpyArray(String source, String descr, int[] shape, float[] data) {

    public NpyArray {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(descr, "descr");
        if (shape.length < 1) {
            throw new IllegalArgumentException("shape must have at least one dimension");
        }
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size + " elements but data has " + data.length);
        }
    }

    /** {@code shape[0]}. */
    public int rows() {
        return shape[0];
    }

    /** The elements per row: the product of the dimensions after the first, 1 for a 1-D array. */
    public int cols() {
        long cols = 1;
        for (int i = 1; i < shape.length; i++) {
            cols *= shape[i];
        }
        return (int) cols;
    }

    /** Throws unless the shape is exactly {@code expected}. */
    public NpyArray requireShape(int... expected) throws DataFormatException {
        if (!Arrays.equals(shape, expected)) {
            throw DataFormatException.mismatch(source, "shape", Npy.shapeString(shape), Npy.shapeString(expected));
        }
        return this;
    }

    /** Throws unless every value is finite, naming the first NaN or infinity by row and column. */
    public NpyArray requireFinite() throws DataFormatException {
        FloatChecks.requireFinite(source, data, Math.max(1, cols()));
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && descr.equals(a.descr) && Arrays.equals(shape, a.shape) && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(descr, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "NpyArray[" + source + " " + descr + " " + Npy.shapeString(shape) + "]";
    }
}
