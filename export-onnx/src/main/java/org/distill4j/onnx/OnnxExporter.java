package org.distill4j.onnx;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import org.distill4j.backend.ConvGeometry;
import org.distill4j.backend.PoolGeometry;
import org.distill4j.data.Preprocessing;
import org.distill4j.io.ModelSchema;
import org.distill4j.nn.BatchNorm;
import org.distill4j.nn.Conv2d;
import org.distill4j.nn.Dropout;
import org.distill4j.nn.Layer;
import org.distill4j.nn.Linear;
import org.distill4j.nn.Pool2d;
import org.distill4j.nn.Relu;
import org.distill4j.nn.Residual;
import org.distill4j.nn.Sequential;
import org.distill4j.nn.Shape;

/**
 * Writes a distill4j model as a standard ONNX model (opset {@value #OPSET}, IR version {@value #IR_VERSION}) that
 * takes raw features, as the training files had them: the model's preprocessing is the graph's first nodes (a
 * missing value, NaN, replaced by its fill value through {@code IsNaN} and {@code Where} when the model imputes; then
 * {@code Sub} of the offsets and {@code Mul} by the scales), followed by a {@code Gemm} per linear layer and a
 * {@code Relu} per ReLU; dropout does nothing at inference and is left out. Convolutional models get a
 * {@code Reshape} to {@code [N, C, H, W]} before their first image layer, then {@code Conv},
 * {@code BatchNormalization} (with the running statistics), {@code MaxPool}, {@code AveragePool},
 * {@code GlobalAveragePool} and, for a residual block, {@code Add}; a {@code Flatten} goes before a linear layer
 * that follows them.
 *
 * <p>Input {@value #INPUT}: float32 {@code [N, features]}; output {@value #OUTPUT}: float32 logits
 * {@code [N, classes]}; {@code N} is dynamic. The metadata ({@code metadata_props}) holds {@value #CLASSES_KEY} and
 * {@value #FEATURES_KEY} (JSON arrays of names, when the model has them) and {@value #PREPROCESSING_KEY}.
 */
public final class OnnxExporter {
    /** The ONNX operator set the graph uses. */
    public static final int OPSET = 17;
    /** The IR version that goes with {@link #OPSET} (ONNX 1.12). */
    public static final int IR_VERSION = 8;
    public static final String INPUT = "features";
    public static final String OUTPUT = "logits";
    public static final String CLASSES_KEY = "distill4j.classes";
    public static final String FEATURES_KEY = "distill4j.features";
    public static final String PREPROCESSING_KEY = "distill4j.preprocessing";

    private OnnxExporter() {
    }

    /** The ONNX model of {@code model} with the inputs {@code schema} describes. */
    public static ModelProto toOnnx(Sequential model, ModelSchema schema) {
        Preprocessing prep = schema.preprocessing();
        if (prep.featureCount() != model.inputSize()) {
            throw new IllegalArgumentException("the schema is for " + prep.featureCount() + " features, the model takes "
                    + model.inputSize());
        }
        OnnxGraph graph = new OnnxGraph("distill4j");
        graph.input(INPUT, model.inputSize());
        String x = preprocess(graph, prep, INPUT);
        Value v = new Value(x, model.inputShape(), false);
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            v = layer(graph, layers.get(i), "layers." + i, v);
        }
        graph.node("Identity", OUTPUT, flat(graph, v, "output").name());
        graph.output(OUTPUT, model.outputSize());

        ModelProto.Builder onnx = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("distill4j")
                .setProducerVersion(OnnxExporter.class.getPackage().getImplementationVersion() != null
                        ? OnnxExporter.class.getPackage().getImplementationVersion() : "0.1.0-SNAPSHOT")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph.build());
        Gson gson = new Gson();
        if (schema.classNames() != null) {
            onnx.addMetadataProps(entry(CLASSES_KEY, gson.toJson(schema.classNames())));
        }
        if (schema.featureNames() != null) {
            onnx.addMetadataProps(entry(FEATURES_KEY, gson.toJson(schema.featureNames())));
        }
        onnx.addMetadataProps(entry(PREPROCESSING_KEY, prep.toString() + " (in the graph: it takes raw features)"));
        return onnx.build();
    }

    /** Writes {@link #toOnnx} to {@code file}, atomically (a reader never sees half a file). */
    public static void write(Sequential model, ModelSchema schema, Path file) throws IOException {
        ModelProto onnx = toOnnx(model, schema);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                onnx.writeTo(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String preprocess(OnnxGraph graph, Preprocessing prep, String x) {
        int d = prep.featureCount();
        if (prep.imputes()) {
            String missing = graph.node("IsNaN", "input.missing", x);
            x = graph.node("Where", "input.filled", missing, graph.constant("input.fill", prep.fill(), d), x);
        }
        float[] offset = prep.offset();
        float[] scale = prep.scale();
        if (!allEqual(offset, 0f) || !allEqual(scale, 1f)) {
            x = graph.node("Sub", "input.centred", x, graph.constant("input.offset", offset, d));
            x = graph.node("Mul", "input.scaled", x, graph.constant("input.scale", scale, d));
        }
        return x;
    }

    /** A value of the graph: its name, the shape of one example, and whether it is laid out as {@code [N, C, H, W]}. */
    private record Value(String name, Shape shape, boolean image) {
    }

    /** {@code v} as {@code [N, C, H, W]}. */
    private static Value image(OnnxGraph graph, Value v, String name) {
        if (v.image()) {
            return v;
        }
        Shape s = v.shape();
        String shape = graph.int64Constant(name + ".shape", -1, s.channels(), s.height(), s.width());
        return new Value(graph.node("Reshape", name + ".image", v.name(), shape), s, true);
    }

    /** {@code v} as {@code [N, features]}. */
    private static Value flat(OnnxGraph graph, Value v, String name) {
        if (!v.image()) {
            return v;
        }
        return new Value(graph.node("Flatten", name + ".flat", new AttributeProto[] {OnnxGraph.intAttribute("axis", 1)}, v.name()),
                Shape.flat(v.shape().size()), false);
    }

    private static Value layer(OnnxGraph graph, Layer layer, String name, Value v) {
        Shape out = layer.outputShape(v.shape());
        switch (layer) {
            case Linear l -> {
                Value in = flat(graph, v, name);
                String w = graph.constant(name + ".weight", l.weight().value().toArray(), l.inputs(), l.outputs());
                String b = graph.constant(name + ".bias", l.bias().value().toArray(), l.outputs());
                return new Value(graph.node("Gemm", name + ".gemm", in.name(), w, b), out, false);
            }
            case Relu r -> {
                return new Value(graph.node("Relu", name + ".relu", v.name()), out, v.image());
            }
            case Dropout d -> {
                return v;
            }
            case Conv2d c -> {
                Value in = image(graph, v, name);
                ConvGeometry g = c.geometry();
                String w = graph.constant(name + ".weight", c.weight().value().toArray(), g.outChannels(), g.channels(),
                        g.kernel(), g.kernel());
                String b = graph.constant(name + ".bias", c.bias().value().toArray(), g.outChannels());
                AttributeProto[] attributes = {OnnxGraph.intsAttribute("kernel_shape", g.kernel(), g.kernel()),
                        OnnxGraph.intsAttribute("strides", g.stride(), g.stride()),
                        OnnxGraph.intsAttribute("pads", g.padding(), g.padding(), g.padding(), g.padding())};
                return new Value(graph.node("Conv", name + ".conv", attributes, in.name(), w, b), out, true);
            }
            case Pool2d p -> {
                Value in = image(graph, v, name);
                PoolGeometry g = p.geometry();
                if (p.kind() == Pool2d.Kind.GLOBAL_AVERAGE) {
                    return new Value(graph.node("GlobalAveragePool", name + ".pool", in.name()), new Shape(out.channels(), 1, 1),
                            true);
                }
                AttributeProto[] attributes = {OnnxGraph.intsAttribute("kernel_shape", g.kernelHeight(), g.kernelWidth()),
                        OnnxGraph.intsAttribute("strides", g.stride(), g.stride())};
                String op = p.kind() == Pool2d.Kind.MAX ? "MaxPool" : "AveragePool";
                return new Value(graph.node(op, name + ".pool", attributes, in.name()), out, true);
            }
            case BatchNorm n -> {
                Value in = v.shape().isFlat() ? v : image(graph, v, name);
                int ch = v.shape().channels();
                String scale = graph.constant(name + ".weight", n.gamma().value().toArray(), ch);
                String bias = graph.constant(name + ".bias", n.beta().value().toArray(), ch);
                String mean = graph.constant(name + ".runningMean", n.runningMean().value().toArray(), ch);
                String var = graph.constant(name + ".runningVar", n.runningVar().value().toArray(), ch);
                return new Value(graph.node("BatchNormalization", name + ".bn",
                        new AttributeProto[] {OnnxGraph.floatAttribute("epsilon", n.eps())}, in.name(), scale, bias, mean, var),
                        out, in.image());
            }
            case Residual r -> {
                Value in = v.shape().isFlat() ? v : image(graph, v, name);
                Value h = in;
                for (int i = 0; i < r.body().size(); i++) {
                    h = layer(graph, r.body().get(i), name + ".body." + i, h);
                }
                if (h.image() != in.image()) {
                    h = in.image() ? image(graph, h, name + ".sum") : flat(graph, h, name + ".sum");
                }
                return new Value(graph.node("Add", name + ".add", in.name(), h.name()), out, in.image());
            }
            default -> throw new IllegalArgumentException("layer " + name + " of type '" + layer.type()
                    + "' has no ONNX export; exported layers: linear, relu, dropout, conv2d, maxpool2d, avgpool2d,"
                    + " globalavgpool, batchnorm, residual");
        }
    }

    private static boolean allEqual(float[] values, float expected) {
        for (float v : values) {
            if (v != expected) {
                return false;
            }
        }
        return true;
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
