package org.distill4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.distill4j.data.Dataset;
import org.distill4j.nn.Parameter;
import org.distill4j.nn.Pass;
import org.distill4j.nn.Sequential;
import org.distill4j.optim.LrSchedule;
import org.distill4j.optim.MomentumSchedule;
import org.distill4j.optim.Optimizer;

/**
 * Trains a model on a dataset with an {@link Objective}: seeded shuffles, minibatches, optional
 * augmentation and mixup, an optimiser step and weight constraints per batch, evaluation after each epoch,
 * listeners, early stopping, checkpoints and resume. The same seed and thread count on a
 * deterministic backend give the same weights.
 */
public final class Trainer {
    private final TrainConfig config;
    private final List<TrainListener> listeners = new ArrayList<>();
    private Augmentation augmentation;
    private final Mixup mixup;
    private Checkpoints checkpoints;
    private String name = "run";

    public Trainer(TrainConfig config) {
        this.config = config;
        this.mixup = config.mixupAlpha() > 0 ? new Mixup(config.mixupAlpha()) : null;
    }

    public Trainer name(String runName) {
        this.name = runName;
        return this;
    }

    public Trainer listener(TrainListener listener) {
        listeners.add(listener);
        return this;
    }

    /** A host-side change to each training batch (for example {@link ImageJitter}); none by default. */
    public Trainer augmentation(Augmentation a) {
        this.augmentation = a;
        return this;
    }

    /** Saves state after every epoch and, if a checkpoint exists, resumes from it. */
    public Trainer checkpoints(Checkpoints c) {
        this.checkpoints = c;
        return this;
    }

    /**
     * Runs training. With {@code validation} data, the model is evaluated on them after every epoch, training stops
     * early after {@link TrainConfig#patience()} epochs without fewer validation errors, and the model is left with
     * the weights of the epoch with the fewest validation errors (the earliest of equals). Without validation data
     * ({@code null}) the model keeps its last epoch's weights and patience must be 0. Never pass the test set here:
     * it would choose the model on the data it is judged on.
     */
    public TrainResult fit(Sequential model, Dataset train, Objective objective, Dataset validation) {
        Inference.checkCompatible(model, train);
        if (validation != null) {
            Inference.checkCompatible(model, validation);
        } else if (config.patience() > 0) {
            throw new IllegalArgumentException("patience " + config.patience()
                    + " needs validation data to stop on; without it every epoch runs and the last is kept");
        }
        objective.checkCompatible(model, train);
        Backend backend = model.backend();
        int n = train.size();
        int f = train.featureCount();
        int batch = Math.min(config.batchSize(), n);
        int stepsPerEpoch = (n + batch - 1) / batch;
        List<Parameter> params = new ArrayList<>(model.parameters());
        params.addAll(objective.parameters());
        Map<String, Tensor> state = new LinkedHashMap<>(model.state());
        objective.parameters().forEach(p -> state.put(p.name(), p.value()));
        LrSchedule lr = config.lrSchedule();
        MomentumSchedule momentum = config.momentumSchedule();
        long start = System.nanoTime();

        try (Optimizer optimizer = config.newOptimizer()) {
            int startEpoch = 0;
            long globalStep = 0;
            int bestEpoch = -1;
            int bestErrors = Integer.MAX_VALUE;
            Map<String, float[]> bestWeights = null;
            if (checkpoints != null) {
                Optional<TrainState> saved = checkpoints.latest();
                if (saved.isPresent()) {
                    TrainState s = saved.get();
                    restoreWeights(state, s.weights());
                    optimizer.restore(params, s.optimizer());
                    startEpoch = s.epochsDone();
                    globalStep = s.globalStep();
                    bestEpoch = s.bestEpoch();
                    bestErrors = s.bestErrors();
                    bestWeights = s.bestWeights().isEmpty() ? null : s.bestWeights();
                }
            }
            TrainListener.TrainInfo info = new TrainListener.TrainInfo(name, config.epochs(), stepsPerEpoch, startEpoch,
                    n, objective.describe(), model.parameterCount(), backend.name());
            listeners.forEach(l -> l.onStart(info));

            float[] hostX = new float[batch * f];
            float[] hostY = new float[batch];
            int[] order = new int[n];
            Evaluation last = null;
            Evaluation best = null;
            int sinceBest = 0;
            int epoch = startEpoch;
            boolean stoppedEarly = false;
            for (; epoch < config.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                shuffle(order, config.seed(), epoch);
                double sumTotal = 0;
                double sumHard = 0;
                double sumSoft = 0;
                float rate = 0f;
                for (int s = 0; s < stepsPerEpoch; s++) {
                    int from = s * batch;
                    int rows = Math.min(batch, n - from);
                    int[] indices = new int[rows];
                    System.arraycopy(order, from, indices, 0, rows);
                    for (int r = 0; r < rows; r++) {
                        train.features(indices[r], hostX, r * f);
                        hostY[r] = train.label(indices[r]);
                    }
                    if (augmentation != null) {
                        augmentation.apply(hostX, rows, f, new SplittableRandom(mix(config.seed(), globalStep, 0x5A)));
                        requireFiniteBatch(hostX, rows, f, indices, epoch, s);
                    }
                    Mixup.Mixing mixing = mixup == null ? null
                            : mixup.apply(hostX, rows, f, new SplittableRandom(mix(config.seed(), globalStep, 0x3C)));
                    double progress = (epoch + (double) s / stepsPerEpoch) / config.epochs();
                    rate = lr.rate(progress);
                    LossTerms loss;
                    try (Scope scope = backend.newScope()) {
                        Tensor x = scope.tensor(rows, f);
                        x.copyFrom(hostX, 0);
                        Tensor y = scope.tensor(rows);
                        y.copyFrom(hostY, 0);
                        Pass pass = Pass.training(scope, mix(config.seed(), globalStep, 0xD0));
                        objective.prepare(pass);
                        Tensor logits = model.forward(x, pass);
                        Tensor grad = scope.tensor(logits.shape());
                        loss = objective.compute(logits, new Batch(indices, x, y, epoch, partnerLabels(mixing, hostY, rows, scope)), grad, pass);
                        if (!loss.finite()) {
                            throw new TrainingDivergedException(String.format(
                                    "loss became %s at epoch %d, step %d (global step %d, learning rate %g; hard %s, soft %s): "
                                            + "lower the learning rate, add warm-up or gradient clipping, or check the inputs for NaN",
                                    loss.total(), epoch + 1, s + 1, globalStep + 1, rate, loss.hard(), loss.soft()));
                        }
                        model.backward(grad, pass);
                        clipGradients(backend, params, epoch, s);
                        optimizer.step(params, rate, momentum.momentum(progress));
                        model.applyConstraints();
                    }
                    globalStep++;
                    sumTotal += loss.total();
                    sumHard += loss.hard();
                    sumSoft += loss.soft();
                    TrainListener.StepReport report = new TrainListener.StepReport(epoch, s, stepsPerEpoch, globalStep, loss, rate);
                    for (TrainListener l : listeners) {
                        l.onStep(report);
                    }
                }
                last = validation != null ? Inference.evaluate(model, validation) : null;
                if (last != null && last.errors() < bestErrors) {
                    bestErrors = last.errors();
                    bestEpoch = epoch;
                    best = last;
                    sinceBest = 0;
                    bestWeights = snapshot(state);
                } else if (last != null) {
                    sinceBest++;
                }
                LossTerms mean = new LossTerms(sumTotal / stepsPerEpoch, sumHard / stepsPerEpoch, sumSoft / stepsPerEpoch);
                TrainListener.EpochReport er = new TrainListener.EpochReport(epoch, config.epochs(), mean, last,
                        (System.nanoTime() - epochStart) / 1e9, rate);
                for (TrainListener l : listeners) {
                    l.onEpoch(er);
                }
                if (checkpoints != null) {
                    checkpoints.save(new TrainState(epoch + 1, globalStep, snapshot(state), optimizer.state(params),
                            bestEpoch, bestErrors, bestWeights == null ? Map.of() : bestWeights));
                }
                if (config.patience() > 0 && sinceBest >= config.patience()) {
                    stoppedEarly = true;
                    epoch++;
                    break;
                }
            }
            int keptEpoch = epoch - 1;
            TrainResult.Selection selection = TrainResult.Selection.LAST;
            if (validation != null && bestWeights != null) {
                selection = TrainResult.Selection.BEST_ON_VALIDATION;
                keptEpoch = bestEpoch;
                if (bestEpoch != epoch - 1) {
                    restoreWeights(state, bestWeights);
                }
            }
            TrainResult result = new TrainResult(epoch - startEpoch, bestEpoch, best, last,
                    (System.nanoTime() - start) / 1e9, stoppedEarly, keptEpoch, selection);
            listeners.forEach(l -> l.onEnd(result));
            return result;
        }
    }

    /** The mixed batch's weight and its partners' labels on the device, or null when the batch was not mixed. */
    private static Batch.Mixed partnerLabels(Mixup.Mixing mixing, float[] hostY, int rows, Scope scope) {
        if (mixing == null) {
            return null;
        }
        float[] partners = new float[rows];
        for (int r = 0; r < rows; r++) {
            partners[r] = hostY[mixing.partners()[r]];
        }
        return new Batch.Mixed(mixing.lambda(), scope.tensor(partners, rows));
    }

    /** Features are checked when a dataset is made; an augmentation could still produce a NaN or infinity. */
    private static void requireFiniteBatch(float[] x, int rows, int f, int[] indices, int epoch, int step) {
        for (int i = 0; i < rows * f; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalStateException(String.format("the augmentation made feature %d of example %d %s at epoch %d, step %d;"
                        + " an augmentation must keep features finite", i % f, indices[i / f], x[i], epoch + 1, step + 1));
            }
        }
    }

    private void clipGradients(Backend backend, List<Parameter> params, int epoch, int step) {
        float clip = config.gradClipNorm();
        if (clip <= 0f) {
            return;
        }
        double sq = 0;
        for (Parameter p : params) {
            sq += backend.sumSquares(p.grad());
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm)) {
            throw new TrainingDivergedException("gradient norm became " + norm + " at epoch " + (epoch + 1) + ", step " + (step + 1));
        }
        if (norm > clip) {
            float s = (float) (clip / norm);
            for (Parameter p : params) {
                backend.scale(p.grad(), s);
            }
        }
    }

    /** The example order of {@code epoch}: a Fisher-Yates shuffle seeded by (seed, epoch). */
    static void shuffle(int[] order, long seed, int epoch) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(mix(seed, epoch, 0x5F));
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    static long mix(long seed, long counter, long salt) {
        long z = seed * 0x9E3779B97F4A7C15L + counter * 0xBF58476D1CE4E5B9L + salt;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static Map<String, float[]> snapshot(Map<String, Tensor> state) {
        Map<String, float[]> m = new LinkedHashMap<>();
        state.forEach((name, t) -> m.put(name, t.toArray()));
        return m;
    }

    private static void restoreWeights(Map<String, Tensor> state, Map<String, float[]> weights) {
        state.forEach((name, t) -> {
            float[] w = weights.get(name);
            if (w == null || w.length != t.size()) {
                throw new IllegalArgumentException("checkpoint lacks weights for " + name + " or has the wrong size");
            }
            t.copyFrom(w);
        });
    }
}
