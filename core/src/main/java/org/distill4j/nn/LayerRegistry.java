package org.distill4j.nn;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.backend.Backend;

/**
 * Makes layers from the {@code type} and config saved in a model file. {@link #defaults()}
 * knows the built-in layers; a user adds a layer type with {@link #register}. Instances are
 * independent: there is no global registry.
 */
public final class LayerRegistry {
    /** Builds one layer of a type from its saved config; {@code name} prefixes its parameter names. */
    @FunctionalInterface
    public interface Factory {
        Layer create(Backend backend, String name, JsonObject config);
    }

    /** The tensors (name to shape) a built-in layer of some config will hold, known before it is made. */
    @FunctionalInterface
    private interface TensorShapes {
        Map<String, int[]> of(String name, JsonObject config);
    }

    private final Map<String, Factory> factories = new LinkedHashMap<>();
    private final Map<String, TensorShapes> builtInShapes = new HashMap<>();

    /**
     * A registry that knows the built-in layers: {@code linear}, {@code relu}, {@code dropout}, {@code conv2d},
     * {@code maxpool2d}, {@code avgpool2d}, {@code globalavgpool}, {@code batchnorm} and {@code residual}.
     */
    public static LayerRegistry defaults() {
        LayerRegistry r = new LayerRegistry();
        r.builtIn(Linear.TYPE, (backend, name, c) ->
                        new Linear(backend, name, intField(c, "in"), intField(c, "out"), floatField(c, "maxNorm", 0f)),
                (name, c) -> tensors(name + ".weight", new int[] {intField(c, "in"), intField(c, "out")},
                        name + ".bias", new int[] {intField(c, "out")}));
        r.builtIn(Relu.TYPE, (backend, name, c) -> new Relu(), (name, c) -> Map.of());
        r.builtIn(Dropout.TYPE, (backend, name, c) -> new Dropout(floatField(c, "p", 0f)), (name, c) -> Map.of());
        r.builtIn(Conv2d.TYPE, (backend, name, c) -> new Conv2d(backend, name, shapeField(c, "in"), intField(c, "out"),
                        intField(c, "kernel"), intField(c, "stride"), nonNegativeField(c, "padding")),
                (name, c) -> tensors(name + ".weight", new int[] {intField(c, "out"), shapeField(c, "in").channels(),
                        intField(c, "kernel"), intField(c, "kernel")}, name + ".bias", new int[] {intField(c, "out")}));
        for (Pool2d.Kind kind : Pool2d.Kind.values()) {
            boolean global = kind == Pool2d.Kind.GLOBAL_AVERAGE;
            r.builtIn(kind.type(), (backend, name, c) -> new Pool2d(kind, shapeField(c, "in"),
                    global ? 1 : intField(c, "kernel"), global ? 1 : intField(c, "stride")), (name, c) -> Map.of());
        }
        r.builtIn(BatchNorm.TYPE, (backend, name, c) -> new BatchNorm(backend, name, shapeField(c, "in"),
                        floatField(c, "eps", BatchNorm.DEFAULT_EPS), floatField(c, "momentum", BatchNorm.DEFAULT_MOMENTUM)),
                (name, c) -> {
                    int[] channels = {shapeField(c, "in").channels()};
                    return tensors(name + ".weight", channels, name + ".bias", channels, name + ".runningMean", channels,
                            name + ".runningVar", channels);
                });
        r.builtIn(Residual.TYPE, (backend, name, c) -> {
                    List<Layer> body = r.createAll(backend, arrayField(c, "body"), name + ".body", "residual block " + name);
                    try {
                        return new Residual(shapeField(c, "in"), body);
                    } catch (RuntimeException e) {
                        body.forEach(Layer::close);
                        throw e;
                    }
                },
                (name, c) -> r.declaredTensors(arrayField(c, "body"), name + ".body"));
        return r;
    }

    /** Names and shapes in the order given (so the first mismatch reported is the first tensor's). */
    private static Map<String, int[]> tensors(Object... namesAndShapes) {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndShapes.length; i += 2) {
            m.put((String) namesAndShapes[i], (int[]) namesAndShapes[i + 1]);
        }
        return m;
    }

    private void builtIn(String type, Factory factory, TensorShapes shapes) {
        factories.put(type, factory);
        builtInShapes.put(type, shapes);
    }

    /** Adds or replaces the factory for {@code type}; returns this registry. */
    public LayerRegistry register(String type, Factory factory) {
        factories.put(type, factory);
        builtInShapes.remove(type);
        return this;
    }

    /** Makes the layers of a saved list ({@code {type, config}} objects), named {@code prefix.0}, {@code prefix.1}, ... */
    public List<Layer> createAll(Backend backend, JsonArray list, String prefix, String where) {
        List<Layer> layers = new ArrayList<>();
        try {
            for (int i = 0; i < list.size(); i++) {
                JsonObject lo = entry(list, i, where);
                layers.add(create(backend, lo.get("type").getAsString(), prefix + "." + i, lo.get("config").getAsJsonObject()));
            }
            return layers;
        } catch (RuntimeException e) {
            layers.forEach(Layer::close);
            throw e;
        }
    }

    /**
     * The tensors, by name and shape, that the built-in layers of {@code list} declare in their configs, read without
     * making anything (so a file that claims a huge layer can be refused first). Layer types a user registered declare
     * nothing here; malformed entries are left to {@link #createAll} to report.
     */
    public Map<String, int[]> declaredTensors(JsonArray list, String prefix) {
        Map<String, int[]> all = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof JsonObject lo) || !(lo.get("type") instanceof JsonPrimitive type) || !type.isString()
                    || !(lo.get("config") instanceof JsonObject config)) {
                continue;
            }
            TensorShapes shapes = builtInShapes.get(type.getAsString());
            if (shapes != null) {
                try {
                    all.putAll(shapes.of(prefix + "." + i, config));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("layer " + i + ": " + e.getMessage(), e);
                }
            }
        }
        return all;
    }

    /** Each layer of a list as {@code {type, config}}, as {@link #createAll} reads it back. */
    public static JsonArray describe(List<Layer> layers) {
        JsonArray arr = new JsonArray();
        for (Layer l : layers) {
            JsonObject lo = new JsonObject();
            lo.addProperty("type", l.type());
            lo.add("config", l.config());
            arr.add(lo);
        }
        return arr;
    }

    private static JsonObject entry(JsonArray list, int i, String where) {
        String at = where + " layer " + i;
        if (!list.get(i).isJsonObject()) {
            throw new IllegalArgumentException(at + " is not a JSON object");
        }
        JsonObject lo = list.get(i).getAsJsonObject();
        JsonElement type = lo.get("type");
        if (type == null || !type.isJsonPrimitive() || !type.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(at + " lacks a string 'type'");
        }
        JsonElement config = lo.has("config") ? lo.get("config") : new JsonObject();
        if (!config.isJsonObject()) {
            throw new IllegalArgumentException(at + " 'config' is not a JSON object");
        }
        JsonObject normalised = new JsonObject();
        normalised.add("type", type);
        normalised.add("config", config);
        return normalised;
    }

    public Layer create(Backend backend, String type, String name, JsonObject config) {
        Factory f = factories.get(type);
        if (f == null) {
            throw new IllegalArgumentException("unknown layer type '" + (type.length() > 80 ? type.substring(0, 80) + "..." : type)
                    + "'; known types: "
                    + String.join(", ", factories.keySet()) + " (register custom layers in a LayerRegistry)");
        }
        return f.create(backend, name, config);
    }

    /** The positive integer {@code field} of a layer config (exactly an integer: no fraction, no overflow). */
    public static int intField(JsonObject c, String field) {
        JsonElement e = c.get(field);
        if (e == null) {
            throw new IllegalArgumentException("layer config lacks integer field '" + field + "'");
        }
        return positiveInt(e, "layer config field '" + field + "'");
    }

    /** The integer {@code field} of a layer config, 0 or more. */
    public static int nonNegativeField(JsonObject c, String field) {
        JsonElement e = c.get(field);
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                int v = e.getAsBigDecimal().intValueExact();
                if (v >= 0) {
                    return v;
                }
            } catch (ArithmeticException | NumberFormatException ignored) {
                // reported below
            }
        }
        throw new IllegalArgumentException("layer config field '" + field + "' must be an integer >= 0, found "
                + (e == null ? "nothing" : abbreviate(e)));
    }

    /** The {@code [channels, height, width]} field of a layer config. */
    public static Shape shapeField(JsonObject c, String field) {
        return Shape.fromJson(c.get(field), "layer config field '" + field + "'");
    }

    private static JsonArray arrayField(JsonObject c, String field) {
        JsonElement e = c.get(field);
        if (e == null || !e.isJsonArray()) {
            throw new IllegalArgumentException("layer config field '" + field + "' must be a JSON array of layers");
        }
        return e.getAsJsonArray();
    }

    /** The number {@code field} of a layer config, or {@code fallback} when it is absent. */
    public static float floatField(JsonObject c, String field, float fallback) {
        JsonElement e = c.get(field);
        if (e == null) {
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("layer config field '" + field + "' must be a number, found " + abbreviate(e));
        }
        return e.getAsFloat();
    }

    /** {@code e} as an int >= 1; anything else (a string, a fraction, zero, over 2^31) names {@code what}. */
    static int positiveInt(JsonElement e, String what) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                int v = e.getAsBigDecimal().intValueExact();
                if (v >= 1) {
                    return v;
                }
            } catch (ArithmeticException | NumberFormatException ignored) {
                // reported below
            }
        }
        throw new IllegalArgumentException(what + " must be an integer >= 1, found " + abbreviate(e));
    }

    /** A short description of untrusted JSON: a primitive's text (cut at 80 characters), else its kind. */
    private static String abbreviate(JsonElement e) {
        if (e.isJsonObject()) {
            return "a JSON object";
        }
        if (e.isJsonArray()) {
            return "a JSON array";
        }
        String s = String.valueOf(e);
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
