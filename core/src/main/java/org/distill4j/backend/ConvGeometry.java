package org.distill4j.backend;

/**
 * The sizes of a 2-D convolution over a batch of {@code channels x height x width} images, each stored as one row
 * of a tensor in channel-major order: {@code outChannels} square {@code kernel x kernel} filters moved by
 * {@code stride}, over input zero-padded by {@code padding} on every side. The weight is
 * {@code [outChannels, channels * kernel * kernel]} (PyTorch's {@code [out, in, k, k]} read as a matrix), the bias
 * {@code [outChannels]}, and each output row is {@code outChannels x outHeight x outWidth}.
 */
public record ConvGeometry(int channels, int height, int width, int outChannels, int kernel, int stride, int padding) {
    public ConvGeometry {
        if (channels < 1 || height < 1 || width < 1 || outChannels < 1 || kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("convolution needs channels, height, width, out channels, kernel and stride >= 1"
                    + " and padding >= 0, found " + describe(channels, height, width, outChannels, kernel, stride, padding));
        }
        if (height + 2 * padding < kernel || width + 2 * padding < kernel) {
            throw new IllegalArgumentException("a " + kernel + "x" + kernel + " kernel does not fit a " + height + "x" + width
                    + " image padded by " + padding);
        }
        if ((long) channels * height * width > Integer.MAX_VALUE / 2 || (long) channels * kernel * kernel > Integer.MAX_VALUE / 2
                || (long) outChannels * channels * kernel * kernel > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("convolution too large: " + describe(channels, height, width, outChannels, kernel,
                    stride, padding));
        }
    }

    public int outHeight() {
        return (height + 2 * padding - kernel) / stride + 1;
    }

    public int outWidth() {
        return (width + 2 * padding - kernel) / stride + 1;
    }

    /** Features per input row. */
    public int inputSize() {
        return channels * height * width;
    }

    /** Features per output row. */
    public int outputSize() {
        return outChannels * outPixels();
    }

    /** Output pixels per channel. */
    public int outPixels() {
        return outHeight() * outWidth();
    }

    /** Weights per filter: {@code channels * kernel * kernel}. */
    public int patchSize() {
        return channels * kernel * kernel;
    }

    /** Multiply-adds per example. */
    public long multiplyAdds() {
        return (long) outputSize() * patchSize();
    }

    @Override
    public String toString() {
        return describe(channels, height, width, outChannels, kernel, stride, padding);
    }

    private static String describe(int c, int h, int w, int oc, int k, int s, int p) {
        return c + "x" + h + "x" + w + " -> " + oc + " channels, kernel " + k + ", stride " + s + ", padding " + p;
    }
}
