package org.distill4j.nn;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
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

    private static final Factory LINEAR = (backend, name, c) ->
            new Linear(backend, name, intField(c, "in"), intField(c, "out"), floatField(c, "maxNorm", 0f));
    private static final Factory RELU = (backend, name, c) -> new Relu();
    private static final Factory DROPOUT = (backend, name, c) -> new Dropout(floatField(c, "p", 0f));

    private final Map<String, Factory> factories = new LinkedHashMap<>();

    /** A registry that knows {@code linear}, {@code relu} and {@code dropout}. */
    public static LayerRegistry defaults() {
        LayerRegistry r = new LayerRegistry();
        r.register(Linear.TYPE, LINEAR);
        r.register(Relu.TYPE, RELU);
        r.register(Dropout.TYPE, DROPOUT);
        return r;
    }

    /** Whether {@code type} is made by the built-in {@link Linear} factory (not replaced by a user's). */
    public boolean isBuiltInLinear(String type) {
        return factories.get(type) == LINEAR;
    }

    /** Adds or replaces the factory for {@code type}; returns this registry. */
    public LayerRegistry register(String type, Factory factory) {
        factories.put(type, factory);
        return this;
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
