package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImageJitterTest {
    @Test
    void zeroShiftLeavesImagesUnchanged() {
        float[] img = {1, 2, 3, 4};
        new ImageJitter(2, 2, 0).apply(img, 1, 4, new SplittableRandom(1));
        assertArrayEquals(new float[] {1, 2, 3, 4}, img);
    }

    @Test
    void aShiftMovesPixelsWithinTheLimitAndKeepsTheirSumOrLosesEdges() {
        int side = 9;
        float[] img = new float[side * side];
        img[4 * side + 4] = 1f; // a single lit pixel in the centre
        for (long seed = 0; seed < 50; seed++) {
            float[] copy = img.clone();
            new ImageJitter(side, side, 2).apply(copy, 1, side * side, new SplittableRandom(seed));
            int lit = -1;
            float sum = 0;
            for (int i = 0; i < copy.length; i++) {
                sum += copy[i];
                if (copy[i] == 1f) {
                    lit = i;
                }
            }
            assertEquals(1f, sum, "the pixel moved, it did not vanish or duplicate");
            int dy = lit / side - 4;
            int dx = lit % side - 4;
            assertEquals(true, Math.abs(dx) <= 2 && Math.abs(dy) <= 2, "shift within 2 pixels, was " + dx + "," + dy);
        }
    }
}
