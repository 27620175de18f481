package org.distill4j.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distill4j.data.Dataset;
import org.distill4j.data.Preprocessing;

/** Writes a {@link ModelSchema} into a model file's metadata and tensors, and reads it back (format version 2). */
final class SchemaCodec {
    static final String PREFIX = "input.";
    private static final String OFFSET = PREFIX + "offset";
    private static final String SCALE = PREFIX + "scale";
    private static final String FILL = PREFIX + "fill";

    private SchemaCodec() {
    }

    static boolean isSchemaTensor(String name) {
        return name.startsWith(PREFIX);
    }

    static void write(ModelSchema schema, Map<String, String> metadata, List<NamedTensor> tensors) {
        Preprocessing p = schema.preprocessing();
        int d = p.featureCount();
        JsonObject input = new JsonObject();
        input.addProperty("features", d);
        input.addProperty("preprocessing", p.kind().id());
        input.addProperty("impute", p.imputes() ? "mean" : "none");
        if (schema.featureNames() != null) {
            input.add("feature_names", strings(schema.featureNames()));
        }
        Dataset.ImageShape shape = schema.imageShape();
        if (shape != null) {
            JsonArray s = new JsonArray();
            s.add(shape.channels());
            s.add(shape.height());
            s.add(shape.width());
            input.add("image_shape", s);
        }
        metadata.put("input", input.toString());
        if (schema.classNames() != null) {
            metadata.put("classes", strings(schema.classNames()).toString());
        }
        tensors.add(new NamedTensor(OFFSET, new int[] {d}, p.offset()));
        tensors.add(new NamedTensor(SCALE, new int[] {d}, p.scale()));
        if (p.imputes()) {
            tensors.add(new NamedTensor(FILL, new int[] {d}, p.fill()));
        }
    }

    /** The schema of a version-2 file, or {@code null} for a version-1 file (which has none). */
    static ModelSchema read(SafetensorsFile sf) throws DataFormatException {
        String source = sf.source();
        Map<String, String> md = sf.metadata();
        if ("1".equals(md.get("format_version"))) {
            for (String name : sf.tensors().keySet()) {
                if (isSchemaTensor(name)) {
                    throw new DataFormatException(source, "tensor '" + name + "' in a format version 1 file, which has no input schema");
                }
            }
            return null;
        }
        JsonObject input = object(source, md, "input");
        int d = intField(source, input, "features");
        Preprocessing.Kind kind;
        String impute;
        try {
            kind = Preprocessing.Kind.parse(stringField(source, input, "preprocessing"));
            impute = stringField(source, input, "impute");
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(source, "__metadata__.input: " + e.getMessage());
        }
        if (!impute.equals("mean") && !impute.equals("none")) {
            throw DataFormatException.mismatch(source, "__metadata__.input.impute", "'" + impute + "'", "mean or none");
        }
        float[] offset = sf.tensor(OFFSET, d).data();
        float[] scale = sf.tensor(SCALE, d).data();
        float[] fill = impute.equals("mean") ? sf.tensor(FILL, d).data() : null;
        if (fill == null && sf.tensors().containsKey(FILL)) {
            throw new DataFormatException(source, "tensor '" + FILL + "' but __metadata__.input.impute is none");
        }
        for (String name : sf.tensors().keySet()) {
            if (isSchemaTensor(name) && !name.equals(OFFSET) && !name.equals(SCALE) && !name.equals(FILL)) {
                throw new DataFormatException(source, "tensor '" + name + "' is not part of the input schema ("
                        + OFFSET + ", " + SCALE + ", " + FILL + ")");
            }
        }
        List<String> featureNames = input.has("feature_names") ? strings(source, input.get("feature_names"), "input.feature_names") : null;
        List<String> classNames = md.containsKey("classes") ? strings(source, parse(source, md.get("classes"), "classes"), "classes") : null;
        Dataset.ImageShape shape = null;
        if (input.has("image_shape")) {
            JsonElement e = input.get("image_shape");
            if (!(e instanceof JsonArray a) || a.size() != 3) {
                throw DataFormatException.mismatch(source, "__metadata__.input.image_shape", e, "[channels, height, width]");
            }
            try {
                shape = new Dataset.ImageShape(a.get(0).getAsInt(), a.get(1).getAsInt(), a.get(2).getAsInt());
            } catch (RuntimeException ex) {
                throw DataFormatException.mismatch(source, "__metadata__.input.image_shape", e, "three integers >= 1");
            }
        }
        try {
            return new ModelSchema(Preprocessing.of(kind, offset, scale, fill), featureNames, classNames, shape);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(source, "input schema: " + e.getMessage());
        }
    }

    private static JsonArray strings(List<String> names) {
        JsonArray a = new JsonArray();
        names.forEach(a::add);
        return a;
    }

    private static JsonElement parse(String source, String text, String key) throws DataFormatException {
        try {
            return JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new DataFormatException(source, "__metadata__." + key + " is not JSON: " + e.getMessage());
        }
    }

    private static JsonObject object(String source, Map<String, String> md, String key) throws DataFormatException {
        String text = md.get(key);
        if (text == null) {
            throw new DataFormatException(source, "__metadata__ lacks '" + key + "', which format version 2 requires");
        }
        if (!(parse(source, text, key) instanceof JsonObject o)) {
            throw DataFormatException.mismatch(source, "__metadata__." + key, "'" + abbreviate(text) + "'", "a JSON object");
        }
        return o;
    }

    private static int intField(String source, JsonObject o, String key) throws DataFormatException {
        if (o.get(key) instanceof JsonPrimitive p && p.isNumber()) {
            double v = p.getAsDouble();
            if (v >= 1 && v <= Integer.MAX_VALUE && v == Math.rint(v)) {
                return (int) v;
            }
        }
        throw DataFormatException.mismatch(source, "__metadata__.input." + key, o.get(key), "an integer >= 1");
    }

    private static String stringField(String source, JsonObject o, String key) throws DataFormatException {
        if (o.get(key) instanceof JsonPrimitive p && p.isString()) {
            return p.getAsString();
        }
        throw DataFormatException.mismatch(source, "__metadata__.input." + key, o.get(key), "a string");
    }

    private static List<String> strings(String source, JsonElement e, String key) throws DataFormatException {
        if (!(e instanceof JsonArray a)) {
            throw DataFormatException.mismatch(source, "__metadata__." + key, abbreviate(String.valueOf(e)), "a JSON array of strings");
        }
        List<String> names = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (!(a.get(i) instanceof JsonPrimitive p) || !p.isString()) {
                throw DataFormatException.mismatch(source, "__metadata__." + key + "[" + i + "]", abbreviate(String.valueOf(a.get(i))), "a string");
            }
            names.add(p.getAsString());
        }
        return names;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
