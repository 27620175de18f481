package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrainConfigTest {
    @Test
    void badSettingsAreRejectedWithTheirName() {
        assertMessage("epochs", () -> TrainConfig.builder().epochs(0).build());
        assertMessage("batch size", () -> TrainConfig.builder().batchSize(0).build());
        assertMessage("learning rate", () -> TrainConfig.builder().learningRate(Float.NaN).build());
        assertMessage("momentum", () -> TrainConfig.builder().momentum(1f).build());
        assertMessage("warm-up", () -> TrainConfig.builder().warmup(1.5).build());
        assertMessage("jitter", () -> TrainConfig.builder().jitterPixels(-1).build());
    }

    @Test
    void aConfigSurvivesJson() {
        TrainConfig c = TrainConfig.builder().epochs(7).batchSize(33).learningRate(0.2f).momentumRamp(0.5f, 0.99f, 0.3)
                .optimizer(TrainConfig.OptimizerKind.ADAM).jitterPixels(2).seed(42).build();
        TrainConfig back = TrainConfig.fromJson(c.toJson());
        assertEquals(c.toJson(), back.toJson());
        assertEquals(0.99f, back.momentumSchedule().momentum(0.9), 0f);
        assertEquals(0.5f, back.momentumSchedule().momentum(0.0), 1e-6f);
    }

    @Test
    void toBuilderCopiesAndLeavesTheOriginalAlone() {
        TrainConfig c = TrainConfig.builder().epochs(3).build();
        TrainConfig d = c.toBuilder().epochs(9).build();
        assertEquals(3, c.epochs());
        assertEquals(9, d.epochs());
    }

    private static void assertMessage(String word, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(word), ex.getMessage());
    }
}
