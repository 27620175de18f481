package org.distill4j.bench;

import java.util.concurrent.TimeUnit;
import org.distill4j.backend.Backend;
import org.distill4j.backend.ConvGeometry;
import org.distill4j.backend.ImageOps;
import org.distill4j.backend.Tensor;
import org.distill4j.nn.ArchitectureSpec;
import org.distill4j.nn.Parameter;
import org.distill4j.nn.Pass;
import org.distill4j.nn.Sequential;
import org.distill4j.optim.Sgd;
import org.distill4j.train.Batch;
import org.distill4j.train.HardLabelObjective;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Convolutional layers and a CNN training step, to set beside {@code bench/pytorch_conv.py} on the same machine.
 * {@code layer}: one 3x3 convolution (padding 1) of a batch of 128, forward then backward (input, weight and bias
 * gradients), at {@code shape} = {@code C x H x W -> out}. {@code cnnStep}: one SGD step (forward, cross-entropy,
 * backward, update) of the README's MNIST CNN on a batch of 128. Score: milliseconds per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ConvBench {
    static final int BATCH = 128;
    static final String CNN = "1x28x28-c32k3-bn-relu-p2-c64k3-bn-relu-p2-fc128-10";

    @Param({"cpu"})
    public String backend;

    @Param({"2"})
    public int threads;

    @Param({"32x28x28->64", "32x14x14->64"})
    public String shape;

    private Backend b;
    private ConvGeometry g;
    private Tensor x;
    private Tensor w;
    private Tensor bias;
    private Tensor y;
    private Tensor dy;
    private Tensor dx;
    private Tensor dw;
    private Tensor db;
    private Sequential cnn;
    private Sgd sgd;
    private float[] images;
    private float[] labels;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        b = BenchSupport.backend(backend, threads);
        String[] parts = shape.split("->");
        String[] chw = parts[0].split("x");
        g = new ConvGeometry(Integer.parseInt(chw[0]), Integer.parseInt(chw[1]), Integer.parseInt(chw[2]),
                Integer.parseInt(parts[1]), 3, 1, 1);
        x = b.tensor(BenchSupport.uniform(BATCH * g.inputSize(), -1f, 1f, 1), BATCH, g.inputSize());
        w = b.tensor(BenchSupport.uniform(g.outChannels() * g.patchSize(), -0.1f, 0.1f, 2), g.outChannels(), g.patchSize());
        bias = b.tensor(BenchSupport.uniform(g.outChannels(), -0.1f, 0.1f, 3), g.outChannels());
        y = b.tensor(BATCH, g.outputSize());
        dy = b.tensor(BenchSupport.uniform(BATCH * g.outputSize(), -1f, 1f, 4), BATCH, g.outputSize());
        dx = b.tensor(BATCH, g.inputSize());
        dw = b.tensor(g.outChannels(), g.patchSize());
        db = b.tensor(g.outChannels());
        cnn = ArchitectureSpec.parse(CNN).build(b, 1);
        sgd = new Sgd(0f, false);
        images = BenchSupport.uniform(BATCH * 784, 0f, 1f, 5);
        labels = new float[BATCH];
        for (int i = 0; i < BATCH; i++) {
            labels[i] = i % 10;
        }
    }

    @Benchmark
    public Tensor layer() {
        ImageOps ops = b.images();
        ops.conv2d(x, w, bias, g, y);
        ops.conv2dBackward(dy, x, w, g, dx, dw, db);
        b.synchronize();
        return dx;
    }

    @Benchmark
    public double cnnStep() {
        double loss;
        int[] indices = new int[BATCH];
        try (org.distill4j.backend.Scope scope = b.newScope()) {
            Tensor in = scope.tensor(images, BATCH, 784);
            Tensor target = scope.tensor(labels, BATCH);
            Pass pass = Pass.training(scope, step++);
            Tensor logits = cnn.forward(in, pass);
            Tensor grad = scope.tensor(logits.shape());
            loss = new HardLabelObjective().compute(logits, new Batch(indices, in, target, 0), grad, pass).total();
            cnn.backward(grad, pass);
            sgd.step(cnn.parameters(), 0.01f, 0.9f);
        }
        return loss;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {x, w, bias, y, dy, dx, dw, db}) {
            t.close();
        }
        sgd.close();
        cnn.close();
        b.close();
    }
}
