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

    @Test
    void usingTheBuilderAgainLeavesABuiltConfigAlone() {
        TrainConfig.Builder b = TrainConfig.builder().epochs(3).learningRate(0.1f);
        TrainConfig c = b.build();
        b.epochs(0).learningRate(-1f).momentumRamp(0.5f, 0.8f, 0.2);
        assertEquals(3, c.epochs());
        assertEquals(0.1f, c.learningRate());
        assertEquals(0.0, c.momentumRamp());
        assertMessage("epochs", b::build);
    }

    @Test
    void aBuiltConfigHasEverySettingOfItsBuilder() {
        TrainConfig c = TrainConfig.builder().epochs(7).batchSize(33).seed(42).optimizer(TrainConfig.OptimizerKind.ADAM)
                .learningRate(0.2f).schedule(TrainConfig.Schedule.STEP).warmup(0.1).momentumRamp(0.5f, 0.8f, 0.3)
                .nesterov(true).weightDecay(1e-4f).gradClipNorm(5f).jitterPixels(2).patience(4).build();
        for (TrainConfig d : new TrainConfig[] {c, c.toBuilder().build()}) {
            assertEquals(7, d.epochs());
            assertEquals(33, d.batchSize());
            assertEquals(42, d.seed());
            assertEquals(TrainConfig.OptimizerKind.ADAM, d.optimizer());
            assertEquals(0.2f, d.learningRate());
            assertEquals(TrainConfig.Schedule.STEP, d.schedule());
            assertEquals(0.1, d.warmup());
            assertEquals(0.5f, d.momentumStart());
            assertEquals(0.8f, d.momentum());
            assertEquals(0.3, d.momentumRamp());
            assertTrue(d.nesterov());
            assertEquals(1e-4f, d.weightDecay());
            assertEquals(5f, d.gradClipNorm());
            assertEquals(2, d.jitterPixels());
            assertEquals(4, d.patience());
        }
    }

    private static void assertMessage(String word, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(word), ex.getMessage());
    }
}
