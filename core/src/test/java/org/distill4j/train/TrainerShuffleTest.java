package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TrainerShuffleTest {
    @Test
    void anEpochsOrderIsAPermutationFixedBySeedAndEpoch() {
        int[] a = new int[100];
        int[] b = new int[100];
        Trainer.shuffle(a, 7, 3);
        Trainer.shuffle(b, 7, 3);
        assertArrayEquals(a, b);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 100; i++) {
            sorted[i] -= i;
        }
        assertArrayEquals(new int[100], sorted, "a permutation of 0..99");
        Trainer.shuffle(b, 7, 4);
        assertFalse(Arrays.equals(a, b), "another epoch, another order");
    }
}
