package org.distill4j.train;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import org.distill4j.optim.Adam;
import org.distill4j.optim.LrSchedule;
import org.distill4j.optim.MomentumSchedule;
import org.distill4j.optim.Optimizer;
import org.distill4j.optim.Sgd;

/**
 * Everything that shapes a training run: epochs, batch size, seed, optimiser and its schedules,
 * regularisation, augmentation and stopping. Immutable; build with {@link #builder()}.
 */
public final class TrainConfig {
    /** The optimiser family. */
    public enum OptimizerKind { SGD, ADAM }

    /** How the learning rate changes over the run (see {@link LrSchedule}). */
    public enum Schedule { CONSTANT, STEP, COSINE }

    private int epochs = 10;
    private int batchSize = 128;
    private long seed = 1;
    private OptimizerKind optimizer = OptimizerKind.SGD;
    private float learningRate = 0.05f;
    private Schedule schedule = Schedule.COSINE;
    private double warmup = 0.0;
    private float momentum = 0.9f;
    private float momentumStart = 0.9f;
    private double momentumRamp = 0.0;
    private boolean nesterov = false;
    private float weightDecay = 0f;
    private float gradClipNorm = 0f;
    private int jitterPixels = 0;
    private boolean horizontalFlip = false;
    private float mixupAlpha = 0f;
    private int patience = 0;

    private TrainConfig() {
    }

    private TrainConfig(TrainConfig o) {
        epochs = o.epochs;
        batchSize = o.batchSize;
        seed = o.seed;
        optimizer = o.optimizer;
        learningRate = o.learningRate;
        schedule = o.schedule;
        warmup = o.warmup;
        momentum = o.momentum;
        momentumStart = o.momentumStart;
        momentumRamp = o.momentumRamp;
        nesterov = o.nesterov;
        weightDecay = o.weightDecay;
        gradClipNorm = o.gradClipNorm;
        jitterPixels = o.jitterPixels;
        horizontalFlip = o.horizontalFlip;
        mixupAlpha = o.mixupAlpha;
        patience = o.patience;
    }

    public static Builder builder() {
        return new Builder(new TrainConfig());
    }

    public Builder toBuilder() {
        return new Builder(new TrainConfig(this));
    }

    public int epochs() { return epochs; }
    public int batchSize() { return batchSize; }
    public long seed() { return seed; }
    public OptimizerKind optimizer() { return optimizer; }
    public float learningRate() { return learningRate; }
    public Schedule schedule() { return schedule; }
    public double warmup() { return warmup; }
    public float momentum() { return momentum; }
    public float momentumStart() { return momentumStart; }
    public double momentumRamp() { return momentumRamp; }
    public boolean nesterov() { return nesterov; }
    public float weightDecay() { return weightDecay; }
    public float gradClipNorm() { return gradClipNorm; }
    public int jitterPixels() { return jitterPixels; }
    /** Whether training images are also mirrored left-right, each with probability 1/2. */
    public boolean horizontalFlip() { return horizontalFlip; }
    /** Mixup's Beta(a, a) parameter; 0 = no mixup. */
    public float mixupAlpha() { return mixupAlpha; }
    public int patience() { return patience; }

    /** The learning-rate schedule these settings describe. */
    public LrSchedule lrSchedule() {
        LrSchedule base = switch (schedule) {
            case CONSTANT -> LrSchedule.constant(learningRate);
            case STEP -> LrSchedule.step(learningRate, 0.33, 0.1f);
            case COSINE -> LrSchedule.cosine(learningRate, 0.01f);
        };
        return base.withWarmup(warmup);
    }

    /** The momentum schedule: a ramp from {@code momentumStart} to {@code momentum} over {@code momentumRamp} of the run. */
    public MomentumSchedule momentumSchedule() {
        return momentumRamp > 0 ? MomentumSchedule.ramp(momentumStart, momentum, momentumRamp)
                : MomentumSchedule.constant(momentum);
    }

    /** A new optimiser of the configured kind. */
    public Optimizer newOptimizer() {
        return optimizer == OptimizerKind.SGD ? new Sgd(weightDecay, nesterov) : new Adam(0.999f, 1e-8f, weightDecay);
    }

    public JsonObject toJson() {
        return new Gson().toJsonTree(this).getAsJsonObject();
    }

    public static TrainConfig fromJson(JsonObject json) {
        return new Builder(new Gson().fromJson(json, TrainConfig.class)).build();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }

    /**
     * Sets fields one by one; {@link #build()} validates them all, names the first bad one and returns a copy, so
     * later calls on the builder never change a config it built.
     */
    public static final class Builder {
        private final TrainConfig c;

        private Builder(TrainConfig c) {
            this.c = c;
        }

        public Builder epochs(int v) { c.epochs = v; return this; }
        public Builder batchSize(int v) { c.batchSize = v; return this; }
        public Builder seed(long v) { c.seed = v; return this; }
        public Builder optimizer(OptimizerKind v) { c.optimizer = v; return this; }
        public Builder learningRate(float v) { c.learningRate = v; return this; }
        public Builder schedule(Schedule v) { c.schedule = v; return this; }
        public Builder warmup(double fraction) { c.warmup = fraction; return this; }
        public Builder momentum(float v) { c.momentum = v; c.momentumStart = v; return this; }
        /** Momentum rising linearly from {@code from} to {@code to} over the first {@code fraction} of the run. */
        public Builder momentumRamp(float from, float to, double fraction) {
            c.momentumStart = from;
            c.momentum = to;
            c.momentumRamp = fraction;
            return this;
        }
        public Builder nesterov(boolean v) { c.nesterov = v; return this; }
        public Builder weightDecay(float v) { c.weightDecay = v; return this; }
        public Builder gradClipNorm(float v) { c.gradClipNorm = v; return this; }
        public Builder jitterPixels(int v) { c.jitterPixels = v; return this; }
        public Builder horizontalFlip(boolean v) { c.horizontalFlip = v; return this; }
        public Builder mixupAlpha(float v) { c.mixupAlpha = v; return this; }
        public Builder patience(int v) { c.patience = v; return this; }

        public TrainConfig build() {
            require(c.epochs >= 1, "epochs must be >= 1, found " + c.epochs);
            require(c.batchSize >= 1, "batch size must be >= 1, found " + c.batchSize);
            require(c.optimizer != null, "optimizer must be set");
            require(c.schedule != null, "schedule must be set");
            require(c.learningRate > 0 && Float.isFinite(c.learningRate), "learning rate must be > 0, found " + c.learningRate);
            require(c.warmup >= 0 && c.warmup < 1, "warm-up fraction must be in [0, 1), found " + c.warmup);
            require(c.momentum >= 0 && c.momentum < 1, "momentum must be in [0, 1), found " + c.momentum);
            require(c.momentumStart >= 0 && c.momentumStart < 1, "momentum start must be in [0, 1), found " + c.momentumStart);
            require(c.momentumRamp >= 0 && c.momentumRamp <= 1, "momentum ramp must be in [0, 1], found " + c.momentumRamp);
            require(c.weightDecay >= 0 && Float.isFinite(c.weightDecay), "weight decay must be >= 0, found " + c.weightDecay);
            require(c.gradClipNorm >= 0 && Float.isFinite(c.gradClipNorm), "gradient clip norm must be >= 0 (0 = off), found " + c.gradClipNorm);
            require(c.jitterPixels >= 0, "jitter must be >= 0 pixels, found " + c.jitterPixels);
            require(c.mixupAlpha >= 0 && Float.isFinite(c.mixupAlpha), "mixup alpha must be >= 0 (0 = off), found " + c.mixupAlpha);
            require(c.patience >= 0, "patience must be >= 0 (0 = no early stopping), found " + c.patience);
            return new TrainConfig(c);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException("training config: " + message);
            }
        }
    }
}
