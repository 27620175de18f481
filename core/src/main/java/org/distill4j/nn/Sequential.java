package org.distill4j.nn;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
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
    private final int inputSize;
    private final List<Layer> layers;
    private final int outputSize;

    public Sequential(Backend backend, int inputSize, List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        this.backend = backend;
        this.inputSize = inputSize;
        this.layers = List.copyOf(layers);
        int size = inputSize;
        for (Layer layer : layers) {
            size = layer.outputSize(size);
        }
        this.outputSize = size;
    }

    public Backend backend() {
        return backend;
    }

    public int inputSize() {
        return inputSize;
    }

    /** The number of classes (logits per row). */
    public int outputSize() {
        return outputSize;
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
        if (input.cols() != inputSize) {
            throw new IllegalArgumentException("model expects " + inputSize + " features per example, found "
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
        int index = hiddenLayerIndex(k);
        int size = inputSize;
        for (int i = 0; i <= index; i++) {
            size = layers.get(i).outputSize(size);
        }
        return size;
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
        if (features.length != n * inputSize) {
            throw new IllegalArgumentException("expected " + n + " x " + inputSize + " = " + (n * inputSize)
                    + " features, found " + features.length);
        }
        try (Scope scope = backend.newScope()) {
            Tensor x = scope.tensor(features, n, inputSize);
            return forward(x, Pass.inference(scope)).toArray();
        }
    }

    /** The architecture as JSON: input size and each layer's type and config, in order. */
    public JsonObject architecture() {
        JsonObject o = new JsonObject();
        o.addProperty("inputSize", inputSize);
        JsonArray arr = new JsonArray();
        for (Layer l : layers) {
            JsonObject lo = new JsonObject();
            lo.addProperty("type", l.type());
            lo.add("config", l.config());
            arr.add(lo);
        }
        o.add("layers", arr);
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
        JsonArray arr = layerList.getAsJsonArray();
        List<Layer> layers = new ArrayList<>();
        try {
            for (int i = 0; i < arr.size(); i++) {
                String where = "model architecture layer " + i;
                if (!arr.get(i).isJsonObject()) {
                    throw new IllegalArgumentException(where + " is not a JSON object");
                }
                JsonObject lo = arr.get(i).getAsJsonObject();
                JsonElement type = lo.get("type");
                if (type == null || !type.isJsonPrimitive() || !type.getAsJsonPrimitive().isString()) {
                    throw new IllegalArgumentException(where + " lacks a string 'type'");
                }
                JsonElement config = lo.has("config") ? lo.get("config") : new JsonObject();
                if (!config.isJsonObject()) {
                    throw new IllegalArgumentException(where + " 'config' is not a JSON object");
                }
                layers.add(registry.create(backend, type.getAsString(), "layers." + i, config.getAsJsonObject()));
            }
            return new Sequential(backend, inputSize, layers);
        } catch (RuntimeException e) {
            layers.forEach(Layer::close);
            throw e;
        }
    }

    /** Copies every parameter of {@code other}, which must have the same architecture. */
    public void copyWeightsFrom(Sequential other) {
        List<Parameter> mine = parameters();
        List<Parameter> theirs = other.parameters();
        if (mine.size() != theirs.size()) {
            throw new IllegalArgumentException("models differ in parameter count");
        }
        for (int i = 0; i < mine.size(); i++) {
            mine.get(i).value().copyFrom(theirs.get(i).value().toArray());
        }
    }

    @Override
    public void close() {
        for (Layer l : layers) {
            l.close();
        }
    }
}
