package org.distill4j.onnx;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import org.distill4j.data.Preprocessing;
import org.distill4j.io.ModelSchema;
import org.distill4j.nn.Dropout;
import org.distill4j.nn.Layer;
import org.distill4j.nn.Linear;
import org.distill4j.nn.Relu;
import org.distill4j.nn.Sequential;

/**
 * Writes a distill4j model as a standard ONNX model (opset {@value #OPSET}, IR version {@value #IR_VERSION}) that
 * takes raw features, as the training files had them: the model's preprocessing is the graph's first nodes (a
 * missing value, NaN, replaced by its fill value through {@code IsNaN} and {@code Where} when the model imputes; then
 * {@code Sub} of the offsets and {@code Mul} by the scales), followed by a {@code Gemm} per linear layer and a
 * {@code Relu} per ReLU; dropout does nothing at inference and is left out.
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
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            x = layer(graph, layers.get(i), "layers." + i, x);
        }
        graph.node("Identity", OUTPUT, x);
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

    private static String layer(OnnxGraph graph, Layer layer, String name, String x) {
        return switch (layer.type()) {
            case Linear.TYPE -> {
                Linear l = (Linear) layer;
                String w = graph.constant(name + ".weight", l.weight().value().toArray(), l.inputs(), l.outputs());
                String b = graph.constant(name + ".bias", l.bias().value().toArray(), l.outputs());
                yield graph.node("Gemm", name + ".gemm", x, w, b);
            }
            case Relu.TYPE -> graph.node("Relu", name + ".relu", x);
            case Dropout.TYPE -> x;
            default -> throw new IllegalArgumentException("layer " + name + " of type '" + layer.type()
                    + "' has no ONNX export; exported layers: linear, relu, dropout");
        };
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
