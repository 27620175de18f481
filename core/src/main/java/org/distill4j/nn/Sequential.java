package org.distill4j.nn;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;

/**
 * A model: layers applied in order to a batch of feature rows, producing class logits.
 * Inference ({@link #logits(float[], int)}, {@link #forward} with an inference pass) is
 * thread-safe; training is done by one thread at a time.
 */
public final class Sequential implements AutoCloseable {
    private final Backend backend;
    private final Shape inputShape;
    private final List<Layer> layers;
    private final List<Shape> outputShapes;

    /** A model over flat feature rows of {@code inputSize} values. */
    public Sequential(Backend backend, int inputSize, List<Layer> layers) {
        this(backend, Shape.flat(inputSize), layers);
    }

    /** A model over examples of {@code inputShape}; each layer must take the shape the one before it makes. */
    public Sequential(Backend backend, Shape inputShape, List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        this.backend = backend;
        this.inputShape = inputShape;
        this.layers = List.copyOf(layers);
        List<Shape> shapes = new ArrayList<>();
        Shape shape = inputShape;
        for (Layer layer : layers) {
            shape = layer.outputShape(shape);
            shapes.add(shape);
        }
        this.outputShapes = List.copyOf(shapes);
    }

    public Backend backend() {
        return backend;
    }

    /** Values per example. */
    public int inputSize() {
        return inputShape.size();
    }

    /** What one example is: flat features for an MLP, an image for a convolutional network. */
    public Shape inputShape() {
        return inputShape;
    }

    /** The number of classes (logits per row). */
    public int outputSize() {
        return outputShapes.get(outputShapes.size() - 1).size();
    }

    /** The shape of layer {@code index}'s output (0-based in {@link #layers()}). */
    public Shape outputShape(int index) {
        return outputShapes.get(index);
    }

    public List<Layer> layers() {
        return layers;
    }

    /** Every trainable parameter, layer by layer. */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer l : layers) {
            all.addAll(l.parameters());
        }
        return all;
    }

    /** Every buffer (saved, untrained state), layer by layer. */
    public List<Buffer> buffers() {
        List<Buffer> all = new ArrayList<>();
        for (Layer l : layers) {
            all.addAll(l.buffers());
        }
        return all;
    }

    /** Every tensor a model file holds, by name: the parameters' values, then the buffers. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (Parameter p : parameters()) {
            all.put(p.name(), p.value());
        }
        for (Buffer b : buffers()) {
            all.put(b.name(), b.value());
        }
        return all;
    }

    /** The number of trainable weights. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.value().size();
        }
        return n;
    }

    /** Logits {@code [N, classes]} for a batch {@code [N, inputSize]}. */
    public Tensor forward(Tensor input, Pass pass) {
        return forwardThrough(input, layers.size() - 1, pass);
    }

    /** The output of layer {@code last} (0-based) for a batch {@code [N, inputSize]}, the layers above it not run. */
    public Tensor forwardThrough(Tensor input, int last, Pass pass) {
        if (input.cols() != inputSize()) {
            throw new IllegalArgumentException("model expects " + inputSize() + " features per example, found "
                    + input.cols() + " (input shape " + input.shapeString() + ")");
        }
        Objects.checkIndex(last, layers.size());
        Tensor x = input;
        for (int i = 0; i <= last; i++) {
            pass.enterLayer(i);
            x = layers.get(i).forward(x, pass);
            pass.record(i, x);
        }
        return x;
    }

    /**
     * The index in {@link #layers()} of the {@code k}-th hidden layer's activation (1-based: the output of the
     * {@code k}-th ReLU); throws naming how many there are.
     */
    public int hiddenLayerIndex(int k) {
        int seen = 0;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).type().equals(Relu.TYPE) && ++seen == k) {
                return i;
            }
        }
        throw new IllegalArgumentException("hidden layer " + k + " does not exist: the model has " + countHidden()
                + " (numbered from 1)");
    }

    /** The width of the {@code k}-th hidden layer (see {@link #hiddenLayerIndex}). */
    public int hiddenWidth(int k) {
        return outputShapes.get(hiddenLayerIndex(k)).size();
    }

    private int countHidden() {
        int n = 0;
        for (Layer l : layers) {
            n += l.type().equals(Relu.TYPE) ? 1 : 0;
        }
        return n;
    }

    /** Back-propagates dLoss/dLogits, filling every parameter's gradient. */
    public void backward(Tensor gradLogits, Pass pass) {
        Tensor g = gradLogits;
        for (int i = layers.size() - 1; i >= 0; i--) {
            pass.enterLayer(i);
            g = layers.get(i).backward(pass.withAddedGradient(i, g), pass, i > 0);
        }
    }

    /** Applies every layer's weight constraints (after an optimiser step). */
    public void applyConstraints() {
        for (Layer l : layers) {
            l.applyConstraints();
        }
    }

    /** Logits for {@code n} examples given row-major in {@code features}, as a new array {@code [n * classes]}. */
    public float[] logits(float[] features, int n) {
        if (features.length != (long) n * inputSize()) {
            throw new IllegalArgumentException("expected " + n + " x " + inputSize() + " = " + ((long) n * inputSize())
                    + " features, found " + features.length);
        }
        try (Scope scope = backend.newScope()) {
            Tensor x = scope.tensor(features, n, inputSize());
            return forward(x, Pass.inference(scope)).toArray();
        }
    }

    /** The architecture as JSON: input size (and shape, for images) and each layer's type and config, in order. */
    public JsonObject architecture() {
        JsonObject o = new JsonObject();
        o.addProperty("inputSize", inputSize());
        if (!inputShape.isFlat()) {
            o.add("inputShape", inputShape.toJson());
        }
        o.add("layers", LayerRegistry.describe(layers));
        return o;
    }

    /**
     * Builds an untrained model (zero weights) from {@link #architecture()} JSON. Malformed JSON (a missing or
     * mistyped field, a size that is not a positive integer) is an {@link IllegalArgumentException} naming it.
     */
    public static Sequential fromArchitecture(Backend backend, JsonObject arch, LayerRegistry registry) {
        JsonElement input = arch.get("inputSize");
        JsonElement layerList = arch.get("layers");
        if (input == null || layerList == null || !layerList.isJsonArray()) {
            throw new IllegalArgumentException("model architecture needs 'inputSize' and a 'layers' array");
        }
        int inputSize = LayerRegistry.positiveInt(input, "model architecture 'inputSize'");
        Shape inputShape = arch.has("inputShape") ? Shape.fromJson(arch.get("inputShape"), "model architecture 'inputShape'")
                : Shape.flat(inputSize);
        if (inputShape.size() != inputSize) {
            throw new IllegalArgumentException("model architecture 'inputShape' " + inputShape + " has " + inputShape.size()
                    + " values, 'inputSize' says " + inputSize);
        }
        List<Layer> layers = registry.createAll(backend, layerList.getAsJsonArray(), "layers", "model architecture");
        try {
            return new Sequential(backend, inputShape, layers);
        } catch (RuntimeException e) {
            layers.forEach(Layer::close);
            throw e;
        }
    }

    /** Copies every parameter and buffer of {@code other}, which must have the same architecture. */
    public void copyWeightsFrom(Sequential other) {
        List<Tensor> mine = List.copyOf(state().values());
        List<Tensor> theirs = List.copyOf(other.state().values());
        if (mine.size() != theirs.size()) {
            throw new IllegalArgumentException("models differ in parameter count");
        }
        for (int i = 0; i < mine.size(); i++) {
            mine.get(i).copyFrom(theirs.get(i).toArray());
        }
    }

    @Override
    public void close() {
        for (Layer l : layers) {
            l.close();
        }
    }
}
