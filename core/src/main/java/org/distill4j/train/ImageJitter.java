package org.distill4j.train;

import java.util.SplittableRandom;

/**
 * Shifts each image by a random whole number of pixels, up to {@code maxShift} in each direction, filling uncovered
 * pixels with zero (the paper's teacher used up to 2 pixels): the same as a random crop of the image zero-padded by
 * {@code maxShift}. Optionally also mirrors it left-right with probability 1/2. Every channel of an image moves alike.
 */
public final class ImageJitter implements Augmentation {
    private final int channels;
    private final int height;
    private final int width;
    private final int maxShift;
    private final boolean flip;
    private final float[] row;

    /** Shifts of single-channel {@code height x width} images. */
    public ImageJitter(int height, int width, int maxShift) {
        this(1, height, width, maxShift, false);
    }

    /** Shifts of {@code channels x height x width} images. */
    public ImageJitter(int channels, int height, int width, int maxShift) {
        this(channels, height, width, maxShift, false);
    }

    /** Shifts, and with {@code flip} left-right mirroring, of {@code channels x height x width} images. */
    public ImageJitter(int channels, int height, int width, int maxShift, boolean flip) {
        if (channels < 1 || height < 1 || width < 1 || maxShift < 0) {
            throw new IllegalArgumentException("jitter needs a positive image size and a shift >= 0");
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.maxShift = maxShift;
        this.flip = flip;
        this.row = new float[channels * height * width];
    }

    @Override
    public void apply(float[] batch, int rows, int featureCount, SplittableRandom random) {
        if (featureCount != channels * height * width) {
            throw new IllegalArgumentException("jitter for " + channels + "x" + height + "x" + width + " images got rows of "
                    + featureCount);
        }
        if (maxShift == 0 && !flip) {
            return;
        }
        int plane = height * width;
        for (int r = 0; r < rows; r++) {
            int base = r * featureCount;
            if (maxShift > 0) {
                int dy = random.nextInt(2 * maxShift + 1) - maxShift;
                int dx = random.nextInt(2 * maxShift + 1) - maxShift;
                System.arraycopy(batch, base, row, 0, featureCount);
                for (int c = 0; c < channels; c++) {
                    shift(row, c * plane, batch, base + c * plane, height, width, dy, dx);
                }
            }
            if (flip && random.nextBoolean()) {
                for (int line = 0; line < channels * height; line++) {
                    int at = base + line * width;
                    for (int x = 0; x < width / 2; x++) {
                        float t = batch[at + x];
                        batch[at + x] = batch[at + width - 1 - x];
                        batch[at + width - 1 - x] = t;
                    }
                }
            }
        }
    }

    /**
     * Writes the {@code height x width} image at {@code src[srcOff..]} moved down by {@code dy} and
     * right by {@code dx} pixels (negative: up, left) to {@code dst[dstOff..]}, uncovered pixels zero.
     */
    public static void shift(float[] src, int srcOff, float[] dst, int dstOff, int height, int width, int dy, int dx) {
        for (int y = 0; y < height; y++) {
            int sy = y - dy;
            for (int x = 0; x < width; x++) {
                int sx = x - dx;
                dst[dstOff + y * width + x] = sy >= 0 && sy < height && sx >= 0 && sx < width
                        ? src[srcOff + sy * width + sx] : 0f;
            }
        }
    }
}
