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

    @Test
    void aSpecRejectsBadRegularisationBeforeAnyLayerIsBuilt() {
        MlpSpec s = MlpSpec.parse("4-3-2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.withDropout(1.5f, 0f));
        assertTrue(e.getMessage().startsWith("input dropout must be in [0, 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.withDropout(0f, -0.5f));
        assertTrue(e.getMessage().startsWith("hidden dropout must be in [0, 1)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.withDropout(Float.NaN, 0f));
        e = assertThrows(IllegalArgumentException.class, () -> s.withMaxNorm(-1f));
        assertTrue(e.getMessage().startsWith("max-norm must be >= 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.withMaxNorm(Float.POSITIVE_INFINITY));
    }
}
