package org.distill4j.distill;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DistillConfigTest {
    @ParameterizedTest(name = "temperature {0} is rejected")
    @ValueSource(floats = {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY})
    void temperatureMustBePositiveAndFinite(float t) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DistillConfig.softTargets(t, 0.5f));
        assertTrue(e.getMessage().contains("temperature"), e.getMessage());
    }

    @ParameterizedTest(name = "alpha {0} is rejected")
    @ValueSource(floats = {-0.01f, 1.01f, Float.NaN})
    void alphaMustLieInTheUnitInterval(float alpha) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DistillConfig.softTargets(20f, alpha));
        assertTrue(e.getMessage().contains("alpha"), e.getMessage());
    }

    @ParameterizedTest(name = "alpha {0} is accepted")
    @ValueSource(floats = {0f, 0.1f, 1f})
    void alphaBoundsAreIncluded(float alpha) {
        DistillConfig.softTargets(20f, alpha);
    }
}
