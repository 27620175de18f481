package org.distill4j.nn;

import com.google.gson.JsonObject;
import java.util.List;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Tensor;

/**
 * Batch normalisation per channel (Ioffe and Szegedy 2015): while training, each channel is normalised by the mean and
 * biased variance of the batch over all examples and positions, then scaled by {@code gamma} and shifted by
 * {@code beta}; at inference the running statistics are used instead. The running mean and variance are buffers
 * (saved with the model, not trained), updated as PyTorch does: {@code r = (1 - momentum) r + momentum s}, with the
 * unbiased batch variance. Flat inputs are normalised per feature.
 */
public final class BatchNorm implements Layer {
    public static final String TYPE = "batchnorm";
    public static final float DEFAULT_EPS = 1e-5f;
    public static final float DEFAULT_MOMENTUM = 0.1f;

    private final Shape shape;
    private final float eps;
    private final float momentum;
    private final Parameter gamma;
    private final Parameter beta;
    private final Buffer runningMean;
    private final Buffer runningVar;

    public BatchNorm(Backend backend, String name, Shape shape, float eps, float momentum) {
        if (!(eps > 0f) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("batch norm eps must be > 0 and finite, found " + eps);
        }
        if (!(momentum > 0f && momentum <= 1f)) {
            throw new IllegalArgumentException("batch norm momentum must be in (0, 1], found " + momentum);
        }
        this.shape = shape;
        this.eps = eps;
        this.momentum = momentum;
        int c = shape.channels();
        this.gamma = new Parameter(backend, name + ".weight", c);
        this.beta = new Parameter(backend, name + ".bias", c);
        backend.fill(gamma.value(), 1f);
        backend.fill(beta.value(), 0f);
        this.runningMean = new Buffer(backend, name + ".runningMean", 0f, c);
        this.runningVar = new Buffer(backend, name + ".runningVar", 1f, c);
    }

    public Parameter gamma() {
        return gamma;
    }

    public Parameter beta() {
        return beta;
    }

    public float eps() {
        return eps;
    }

    public Buffer runningMean() {
        return runningMean;
    }

    public Buffer runningVar() {
        return runningVar;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (!in.equals(shape)) {
            throw new IllegalArgumentException("batch norm " + gamma.name() + " takes " + shape + " inputs, found " + in);
        }
        return shape;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    @Override
    public List<Buffer> buffers() {
        return List.of(runningMean, runningVar);
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        int c = shape.channels();
        float[] mean;
        float[] variance;
        Tensor batchMean = null;
        if (pass.training()) {
            batchMean = pass.tensor(c);
            Tensor batchVar = pass.tensor(c);
            pass.backend().images().channelMoments(x, c, batchMean, batchVar);
            mean = batchMean.toArray();
            variance = batchVar.toArray();
            updateRunning(mean, variance, (long) x.rows() * shape.pixels());
        } else {
            mean = runningMean.value().toArray();
            variance = runningVar.value().toArray();
        }
        float[] g = gamma.value().toArray();
        float[] b = beta.value().toArray();
        float[] invStd = new float[c];
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int i = 0; i < c; i++) {
            invStd[i] = (float) (1.0 / Math.sqrt((double) variance[i] + eps));
            scale[i] = g[i] * invStd[i];
            shift[i] = b[i] - mean[i] * scale[i];
        }
        Tensor y = pass.tensor(x.rows(), shape.size());
        pass.backend().images().channelAffine(x, c, pass.scope().tensor(scale, c), pass.scope().tensor(shift, c), y);
        if (pass.training()) {
            pass.save(x);
            pass.save(batchMean);
            pass.save(pass.scope().tensor(invStd, c));
        }
        return y;
    }

    private void updateRunning(float[] mean, float[] variance, long count) {
        float[] rm = runningMean.value().toArray();
        float[] rv = runningVar.value().toArray();
        double unbiased = count > 1 ? (double) count / (count - 1) : 1.0;
        for (int i = 0; i < rm.length; i++) {
            rm[i] = (float) ((1.0 - momentum) * rm[i] + momentum * mean[i]);
            rv[i] = (float) ((1.0 - momentum) * rv[i] + momentum * variance[i] * unbiased);
        }
        runningMean.value().copyFrom(rm);
        runningVar.value().copyFrom(rv);
    }

    @Override
    public Tensor backward(Tensor gradOutput, Pass pass, boolean needInputGrad) {
        Tensor invStd = pass.restore();
        Tensor mean = pass.restore();
        Tensor x = pass.restore();
        Tensor gradIn = needInputGrad ? pass.tensor(x.rows(), shape.size()) : null;
        pass.backend().images().batchNormBackward(gradOutput, x, shape.channels(), mean, invStd, gamma.value(),
                gradIn, gamma.grad(), beta.grad());
        return gradIn;
    }

    @Override
    public JsonObject config() {
        JsonObject o = new JsonObject();
        o.add("in", shape.toJson());
        o.addProperty("eps", eps);
        o.addProperty("momentum", momentum);
        return o;
    }
}
