package org.distill4j.train;

import java.util.SplittableRandom;

/**
 * Shifts each image by a random whole number of pixels, up to {@code maxShift} in each
 * direction, filling uncovered pixels with zero (the paper's teacher used up to 2 pixels).
 */
public final class ImageJitter implements Augmentation {
    private final int height;
    private final int width;
    private final int maxShift;
    private final float[] row;

    public ImageJitter(int height, int width, int maxShift) {
        if (height < 1 || width < 1 || maxShift < 0) {
            throw new IllegalArgumentException("jitter needs a positive image size and a shift >= 0");
        }
        this.height = height;
        this.width = width;
        this.maxShift = maxShift;
        this.row = new float[height * width];
    }

    @Override
    public void apply(float[] batch, int rows, int featureCount, SplittableRandom random) {
        if (featureCount != height * width) {
            throw new IllegalArgumentException("jitter for " + height + "x" + width + " images got rows of " + featureCount);
        }
        if (maxShift == 0) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            int dy = random.nextInt(2 * maxShift + 1) - maxShift;
            int dx = random.nextInt(2 * maxShift + 1) - maxShift;
            int base = r * featureCount;
            System.arraycopy(batch, base, row, 0, featureCount);
            shift(row, 0, batch, base, height, width, dy, dx);
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
