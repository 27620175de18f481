package org.distill4j.backend;

import java.util.Arrays;

/**
 * A dense float32 array of rank 1 to 4, stored row-major on one backend's device.
 *
 * <p>Ops view a tensor as a matrix of {@link #rows()} = {@code shape[0]} rows and
 * {@link #cols()} = {@code size / shape[0]} columns, so an image batch of shape
 * {@code [N, 1, 28, 28]} is an {@code N x 784} matrix.
 *
 * <p>A tensor holds device memory until {@link #close()} is called, directly or by the
 * {@link Scope} that made it. Using a closed tensor throws {@link IllegalStateException}.
 * Backends subclass this to add their storage.
 */
public abstract class Tensor implements AutoCloseable {
    /** The largest rank a tensor may have. */
    public static final int MAX_RANK = 4;

    private final Backend backend;
    private final int[] shape;
    private final int size;
    private volatile boolean closed;

    protected Tensor(Backend backend, int[] shape) {
        this.backend = backend;
        this.shape = shape.clone();
        this.size = checkedSize(shape);
    }

    /** Validates a shape and returns its element count. */
    public static int checkedSize(int... shape) {
        if (shape.length < 1 || shape.length > MAX_RANK) {
            throw new IllegalArgumentException("tensor rank must be 1 to " + MAX_RANK + ", found shape " + Arrays.toString(shape));
        }
        long size = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("tensor dimensions must be >= 1, found shape " + Arrays.toString(shape));
            }
            size *= d;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " has more than 2^31 elements");
            }
        }
        return (int) size;
    }

    public final Backend backend() {
        return backend;
    }

    public final int[] shape() {
        return shape.clone();
    }

    public final int dim(int axis) {
        return shape[axis];
    }

    public final int rank() {
        return shape.length;
    }

    public final int size() {
        return size;
    }

    /** {@code shape[0]}: the number of rows when the tensor is used as a matrix. */
    public final int rows() {
        return shape[0];
    }

    /** {@code size / shape[0]}: the number of columns when the tensor is used as a matrix. */
    public final int cols() {
        return size / shape[0];
    }

    public final String shapeString() {
        return Arrays.toString(shape);
    }

    /** Copies {@code src}, which must hold exactly {@link #size()} floats (row-major), into this tensor. */
    public final void copyFrom(float[] src) {
        if (src.length != size) {
            throw new IllegalArgumentException("copyFrom: tensor " + shapeString() + " has " + size
                    + " elements, array has " + src.length + " (use copyFrom(array, offset) to copy part of an array)");
        }
        copyFrom(src, 0);
    }

    /** Copies {@link #size()} floats from {@code src}, starting at {@code offset}, into this tensor. */
    public final void copyFrom(float[] src, int offset) {
        checkOpen();
        if (offset < 0 || src.length - offset < size) {
            throw new IllegalArgumentException("copyFrom: tensor " + shapeString() + " needs " + size
                    + " floats from offset " + offset + ", array has " + src.length);
        }
        write(src, offset);
    }

    /** Copies the tensor's contents into {@code dst}, which must hold at least {@link #size()} floats. */
    public final void copyTo(float[] dst) {
        checkOpen();
        if (dst.length < size) {
            throw new IllegalArgumentException("copyTo: tensor " + shapeString() + " has " + size
                    + " floats, array has room for " + dst.length);
        }
        read(dst);
    }

    /** Returns a new array with the tensor's contents, row-major. */
    public final float[] toArray() {
        float[] out = new float[size];
        copyTo(out);
        return out;
    }

    public final boolean isClosed() {
        return closed;
    }

    /** Throws if the tensor was closed. */
    public final void checkOpen() {
        if (closed) {
            throw new IllegalStateException("tensor " + shapeString() + " on backend " + backend.name() + " is closed");
        }
    }

    /** Frees the tensor's device memory; later calls do nothing. */
    @Override
    public final void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        release();
        backend.tensorReleased();
    }

    /** Copies {@link #size()} floats from {@code src[offset..]} to the device. */
    protected abstract void write(float[] src, int offset);

    /** Copies the tensor's {@link #size()} floats into {@code dst[0..]}. */
    protected abstract void read(float[] dst);

    /** Returns the device memory to the backend; called once. */
    protected abstract void release();

    @Override
    public String toString() {
        return "Tensor" + shapeString() + "@" + backend.name() + (closed ? " (closed)" : "");
    }
}
