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

    private final Map<String, Factory> factories = new LinkedHashMap<>();

    /** A registry that knows {@code linear}, {@code relu} and {@code dropout}. */
    public static LayerRegistry defaults() {
        LayerRegistry r = new LayerRegistry();
        r.register(Linear.TYPE, (backend, name, c) ->
                new Linear(backend, name, intField(c, "in"), intField(c, "out"),
                        c.has("maxNorm") ? c.get("maxNorm").getAsFloat() : 0f));
        r.register(Relu.TYPE, (backend, name, c) -> new Relu());
        r.register(Dropout.TYPE, (backend, name, c) -> new Dropout(c.has("p") ? c.get("p").getAsFloat() : 0f));
        return r;
    }

    /** Adds or replaces the factory for {@code type}; returns this registry. */
    public LayerRegistry register(String type, Factory factory) {
        factories.put(type, factory);
        return this;
    }

    public Layer create(Backend backend, String type, String name, JsonObject config) {
        Factory f = factories.get(type);
        if (f == null) {
            throw new IllegalArgumentException("unknown layer type '" + type + "'; known types: "
                    + String.join(", ", factories.keySet()) + " (register custom layers in a LayerRegistry)");
        }
        return f.create(backend, name, config);
    }

    private static int intField(JsonObject c, String field) {
        JsonElement e = c.get(field);
        if (e == null || !e.isJsonPrimitive()) {
            throw new IllegalArgumentException("layer config " + c + " lacks integer field '" + field + "'");
        }
        return e.getAsInt();
    }
}
