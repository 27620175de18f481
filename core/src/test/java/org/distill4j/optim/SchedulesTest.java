package org.distill4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SchedulesTest {
    @Test
    void cosineStartsAtTheRateAndEndsNearTheFloor() {
        LrSchedule s = LrSchedule.cosine(0.1f, 0.01f);
        assertEquals(0.1f, s.rate(0), 1e-7f);
        assertEquals(0.0505f, s.rate(0.5), 1e-6f);
        assertTrue(s.rate(0.999) < 0.0011f);
    }

    @Test
    void stepScheduleDropsByTheFactor() {
        LrSchedule s = LrSchedule.step(1f, 0.5, 0.1f);
        assertEquals(1f, s.rate(0.49), 1e-7f);
        assertEquals(0.1f, s.rate(0.5), 1e-7f);
    }

    @Test
    void warmupRampsUpThenFollowsTheSchedule() {
        LrSchedule s = LrSchedule.constant(1f).withWarmup(0.1);
        assertTrue(s.rate(0) < 0.02f);
        assertEquals(0.5f, s.rate(0.05), 0.02f);
        assertEquals(1f, s.rate(0.2), 0f);
    }

    @Test
    void warmupNeverOvershootsThePeakRate() {
        LrSchedule s = LrSchedule.constant(1f).withWarmup(0.02);
        for (double p = 0; p < 0.05; p += 1e-4) {
            assertTrue(s.rate(p) <= 1f, "rate " + s.rate(p) + " at progress " + p);
        }
    }

    @Test
    void momentumRampsLinearly() {
        MomentumSchedule m = MomentumSchedule.ramp(0.5f, 0.99f, 0.5);
        assertEquals(0.5f, m.momentum(0), 1e-7f);
        assertEquals(0.745f, m.momentum(0.25), 1e-6f);
        assertEquals(0.99f, m.momentum(0.7), 0f);
    }

    @Test
    void badRatesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(0f));
        assertThrows(IllegalArgumentException.class, () -> MomentumSchedule.constant(1f));
    }
}
