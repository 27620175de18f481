package org.distill4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MlpSpecTest {
    @Test
    void parsesWidths() {
        MlpSpec s = MlpSpec.parse("784-1200-1200-10");
        assertArrayEquals(new int[] {784, 1200, 1200, 10}, s.sizes());
        assertEquals(784, s.inputSize());
        assertEquals(10, s.classes());
        assertEquals("784-1200-1200-10", s.widths());
    }

    @Test
    void malformedSpecsNameTheExpectedForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MlpSpec.parse("784-x-10"));
        assertTrue(e.getMessage().contains("784-800-800-10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MlpSpec.parse("784"));
        assertThrows(IllegalArgumentException.class, () -> MlpSpec.parse("784-0-10"));
    }

    @Test
    void dropoutMustBeAProbabilityBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1f));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1f));
    }
}
