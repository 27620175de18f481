package org.distill4j.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Tensor;
import org.distill4j.nn.LayerRegistry;
import org.distill4j.nn.Sequential;

/**
 * A model on disk: a safetensors file whose tensors are the parameters and buffers (by name, little-endian
 * float32) and whose {@code __metadata__} holds {@code format = distill4j.sequential},
 * {@code format_version} and the {@code architecture} as JSON, plus any extra strings given.
 * Any reader of the safetensors specification can read the weights.
 *
 * <p>Format version 2 adds the model's {@link ModelSchema}: metadata {@code input} (JSON: the feature count, the
 * preprocessing kind, whether missing values are imputed, and the feature names and image shape when known) and
 * {@code classes} (a JSON array of class names, when the labels had names), and the preprocessing's numbers as the
 * tensors {@code input.offset}, {@code input.scale} and {@code input.fill} (the last only with imputation). Tensors
 * whose names start with {@code input.} are the schema's, never parameters. Files of version 1 keep loading and
 * mean what they meant: raw features are the inputs (for MNIST, 784 pixels in [0, 1]).
 */
public final class ModelFile {
    public static final String FORMAT = "distill4j.sequential";
    public static final String FORMAT_VERSION = "2";
    private static final Set<String> READABLE_VERSIONS = Set.of("1", "2");

    private ModelFile() {
    }

    /** A model read from a file with its schema; closing it frees the model. */
    public record Saved(Sequential model, ModelSchema schema) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }
    }

    /** Writes {@code model} with a {@link ModelSchema#plain} schema (raw features, no names). */
    public static void save(Sequential model, Path file, Map<String, String> extra) throws IOException {
        save(model, ModelSchema.plain(model.inputSize()), file, extra);
    }

    /** Writes {@code model} and its schema to {@code file} atomically, with {@code extra} metadata strings (may be empty). */
    public static void save(Sequential model, ModelSchema schema, Path file, Map<String, String> extra) throws IOException {
        checkSchemaFits(schema, model, file.toString());
        Map<String, String> metadata = new LinkedHashMap<>(extra);
        metadata.put("format", FORMAT);
        metadata.put("format_version", FORMAT_VERSION);
        metadata.put("architecture", model.architecture().toString());
        List<NamedTensor> tensors = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.state().entrySet()) {
            tensors.add(new NamedTensor(e.getKey(), e.getValue().shape(), e.getValue().toArray()));
        }
        SchemaCodec.write(schema, metadata, tensors);
        Safetensors.write(file, metadata, tensors);
    }

    /** Reads only the model of a file saved by {@link #save}, for callers that prepare its inputs themselves. */
    public static Sequential load(Backend backend, Path file) throws IOException {
        return load(backend, file, LayerRegistry.defaults());
    }

    /** As {@link #load(Backend, Path)}, knowing the layer types of {@code registry}. */
    public static Sequential load(Backend backend, Path file, LayerRegistry registry) throws IOException {
        return read(backend, file, registry).model();
    }

    /** Reads a model and its schema; every parameter must be present with its shape, and nothing else. */
    public static Saved read(Backend backend, Path file) throws IOException {
        return read(backend, file, LayerRegistry.defaults());
    }

    /** As {@link #read(Backend, Path)}, knowing the layer types of {@code registry}. */
    public static Saved read(Backend backend, Path file, LayerRegistry registry) throws IOException {
        SafetensorsFile sf = Safetensors.read(file);
        checkFormat(sf);
        ModelSchema schema = SchemaCodec.read(sf);
        Sequential model = fromFile(backend, sf, registry);
        try {
            if (schema == null) {
                schema = ModelSchema.plain(model.inputSize());
            }
            checkSchemaFits(schema, model, sf.source());
            return new Saved(model, schema);
        } catch (DataFormatException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static void checkFormat(SafetensorsFile sf) throws DataFormatException {
        Map<String, String> md = sf.metadata();
        if (!FORMAT.equals(md.get("format"))) {
            throw DataFormatException.mismatch(sf.source(), "__metadata__.format", md.get("format"), FORMAT);
        }
        String version = md.get("format_version");
        if (version == null || !READABLE_VERSIONS.contains(version)) {
            throw DataFormatException.mismatch(sf.source(), "__metadata__.format_version", version, "1 or 2");
        }
    }

    private static void checkSchemaFits(ModelSchema schema, Sequential model, String source) throws DataFormatException {
        if (schema.preprocessing().featureCount() != model.inputSize()) {
            throw DataFormatException.mismatch(source, "input feature count", schema.preprocessing().featureCount(),
                    model.inputSize() + " (the model's input size)");
        }
        if (schema.classNames() != null && schema.classNames().size() != model.outputSize()) {
            throw DataFormatException.mismatch(source, "class name count", schema.classNames().size(),
                    model.outputSize() + " (the model's outputs)");
        }
    }

    /** The metadata strings of a model file (architecture, and whatever the writer added). */
    public static Map<String, String> metadata(Path file) throws IOException {
        return Safetensors.read(file).metadata();
    }

    /**
     * Checks the tensors every built-in layer declares in its config (a linear layer's sizes, a convolution's
     * channels and kernel, a batch norm's channels) against the shapes of the tensors in the file before anything is
     * allocated, so an architecture that claims a huge layer fails here rather than with an OutOfMemoryError.
     * Malformed entries are left to {@link Sequential#fromArchitecture} to report.
     */
    private static void checkDeclaredShapes(JsonObject arch, SafetensorsFile sf, LayerRegistry registry) throws DataFormatException {
        JsonElement layers = arch.get("layers");
        if (layers == null || !layers.isJsonArray()) {
            return;
        }
        Map<String, int[]> declared;
        try {
            declared = registry.declaredTensors(layers.getAsJsonArray(), "layers");
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(sf.source(), "__metadata__.architecture " + e.getMessage());
        }
        for (Map.Entry<String, int[]> e : declared.entrySet()) {
            sf.tensor(e.getKey(), e.getValue());
        }
    }

    static Sequential fromFile(Backend backend, SafetensorsFile sf, LayerRegistry registry) throws DataFormatException {
        String source = sf.source();
        Map<String, String> md = sf.metadata();
        checkFormat(sf);
        JsonObject arch;
        try {
            arch = JsonParser.parseString(md.getOrDefault("architecture", "")).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new DataFormatException(source, "__metadata__.architecture is not a JSON object: " + e.getMessage());
        }
        checkDeclaredShapes(arch, sf, registry);
        Sequential model;
        try {
            model = Sequential.fromArchitecture(backend, arch, registry);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(source, "__metadata__.architecture: " + e.getMessage());
        }
        try {
            Set<String> expected = new HashSet<>();
            for (Map.Entry<String, Tensor> e : model.state().entrySet()) {
                expected.add(e.getKey());
                NamedTensor t = sf.tensor(e.getKey(), e.getValue().shape());
                e.getValue().copyFrom(t.data());
            }
            for (String name : sf.tensors().keySet()) {
                if (!expected.contains(name) && !SchemaCodec.isSchemaTensor(name)) {
                    throw new DataFormatException(source, "tensor '" + name + "' is not a parameter of the architecture");
                }
            }
            return model;
        } catch (DataFormatException | RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
