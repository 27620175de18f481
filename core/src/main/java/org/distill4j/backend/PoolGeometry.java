package org.distill4j.backend;

/**
 * The sizes of a 2-D pooling over a batch of {@code channels x height x width} images (one row each, channel-major):
 * a {@code kernelHeight x kernelWidth} window moved by {@code stride}, without padding; a window that would run past
 * the edge is left out, as in PyTorch's default. Global average pooling is the window of the whole image.
 */
public record PoolGeometry(int channels, int height, int width, int kernelHeight, int kernelWidth, int stride) {
    public PoolGeometry {
        if (channels < 1 || height < 1 || width < 1 || kernelHeight < 1 || kernelWidth < 1 || stride < 1) {
            throw new IllegalArgumentException("pooling needs channels, height, width, kernel and stride >= 1, found "
                    + channels + "x" + height + "x" + width + ", kernel " + kernelHeight + "x" + kernelWidth + ", stride " + stride);
        }
        if (kernelHeight > height || kernelWidth > width) {
            throw new IllegalArgumentException("a " + kernelHeight + "x" + kernelWidth + " pooling window does not fit a "
                    + height + "x" + width + " image");
        }
        if ((long) channels * height * width > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("pooling input too large: " + channels + "x" + height + "x" + width);
        }
    }

    /** A square window of side {@code kernel}. */
    public static PoolGeometry square(int channels, int height, int width, int kernel, int stride) {
        return new PoolGeometry(channels, height, width, kernel, kernel, stride);
    }

    /** One window over the whole image: global average pooling. */
    public static PoolGeometry global(int channels, int height, int width) {
        return new PoolGeometry(channels, height, width, height, width, 1);
    }

    public int outHeight() {
        return (height - kernelHeight) / stride + 1;
    }

    public int outWidth() {
        return (width - kernelWidth) / stride + 1;
    }

    public int inputSize() {
        return channels * height * width;
    }

    public int outputSize() {
        return channels * outHeight() * outWidth();
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width + ", window " + kernelHeight + "x" + kernelWidth + ", stride " + stride;
    }
}
