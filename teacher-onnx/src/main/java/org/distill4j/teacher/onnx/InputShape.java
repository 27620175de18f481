package org.distill4j.teacher.onnx;

import java.util.Arrays;

/**
 * An ONNX input's declared shape {@code [batch, d1, d2, ...]} (a dimension of -1 is dynamic), and how flat rows of
 * features fill it: the example dimensions must hold exactly the data's feature count, a single dynamic one taking
 * what the others leave. A fixed batch size is kept: batches are run in chunks of it.
 */
final class InputShape {
    private final long[] declared;

    InputShape(long[] declared) {
        this.declared = declared.clone();
    }

    /** The batch size the model fixes, or -1 when its batch axis is dynamic. */
    long fixedBatch() {
        return declared[0];
    }

    /** The values per example when every example dimension is fixed, else -1. */
    int exampleSize() {
        long size = 1;
        for (int k = 1; k < declared.length; k++) {
            if (declared[k] < 0) {
                return -1;
            }
            size *= declared[k];
        }
        return declared.length < 2 || size > Integer.MAX_VALUE ? -1 : (int) size;
    }

    /**
     * The shape of a batch of {@code rows} examples of {@code features} each; throws an
     * {@link IllegalArgumentException} saying why they do not fit.
     */
    long[] of(int rows, int features) {
        if (declared.length < 2) {
            throw new IllegalArgumentException("input shape " + this + " has no batch axis; expected [batch, ...]");
        }
        long[] shape = declared.clone();
        shape[0] = rows;
        long known = 1;
        int dynamic = -1;
        for (int k = 1; k < shape.length; k++) {
            if (shape[k] < 0) {
                if (dynamic >= 0) {
                    throw new IllegalArgumentException("input shape " + this + " has more than one dynamic dimension per example;"
                            + " distill4j cannot tell how " + features + " features fill it");
                }
                dynamic = k;
            } else {
                known *= shape[k];
            }
        }
        if (dynamic >= 0) {
            if (known == 0 || features % known != 0) {
                throw new IllegalArgumentException("input shape " + this + " takes a multiple of " + known
                        + " values per example, the data have " + features + " features");
            }
            shape[dynamic] = features / known;
        } else if (known != features) {
            throw new IllegalArgumentException("input shape " + this + " takes " + known + " values per example, the data have "
                    + features + " features");
        }
        return shape;
    }

    @Override
    public String toString() {
        return Arrays.toString(Arrays.stream(declared).mapToObj(d -> d < 0 ? "N" : Long.toString(d)).toArray());
    }
}
