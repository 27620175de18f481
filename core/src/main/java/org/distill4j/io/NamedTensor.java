package org.distill4j.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named float32 array with its shape, row-major, as stored in a model file.
 *
 * <p>The arrays are not copied: the record shares them with whoever made it. A shape of length 0 is a scalar
 * (one element); dimensions may be 0 (an empty tensor).
 */
public record NamedTensor(String name, int[] shape, float[] data) {

    public NamedTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape " + Arrays.toString(shape));
            }
            size *= d;
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " has more than 2^31 elements");
            }
        }
        if (size != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " holds " + size
                    + " elements but data has " + data.length);
        }
    }

    /** The number of elements. */
    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "NamedTensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}
