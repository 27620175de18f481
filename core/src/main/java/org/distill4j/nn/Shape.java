package org.distill4j.nn;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;

/**
 * What one example is between two layers: {@code channels x height x width} values, stored channel-major in one row
 * of a batch. Flat features (what an MLP sees) are {@code n x 1 x 1}.
 */
public record Shape(int channels, int height, int width) {
    public Shape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("a shape needs channels, height and width >= 1, found "
                    + channels + "x" + height + "x" + width);
        }
        if ((long) channels * height * width > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("shape " + channels + "x" + height + "x" + width + " is too large");
        }
    }

    /** {@code features} flat values. */
    public static Shape flat(int features) {
        return new Shape(features, 1, 1);
    }

    /** Values per example. */
    public int size() {
        return channels * height * width;
    }

    /** Values per channel. */
    public int pixels() {
        return height * width;
    }

    /** Whether this is a plain feature vector ({@code n x 1 x 1}). */
    public boolean isFlat() {
        return height == 1 && width == 1;
    }

    /** {@code [channels, height, width]} as saved in a model's architecture. */
    public JsonArray toJson() {
        JsonArray a = new JsonArray();
        a.add(channels);
        a.add(height);
        a.add(width);
        return a;
    }

    /** The shape saved by {@link #toJson}; {@code what} names the field in an error. */
    public static Shape fromJson(JsonElement e, String what) {
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().size() != 3) {
            throw new IllegalArgumentException(what + " must be [channels, height, width], found " + e);
        }
        JsonArray a = e.getAsJsonArray();
        return new Shape(LayerRegistry.positiveInt(a.get(0), what + "[0]"), LayerRegistry.positiveInt(a.get(1), what + "[1]"),
                LayerRegistry.positiveInt(a.get(2), what + "[2]"));
    }

    @Override
    public String toString() {
        return isFlat() ? Integer.toString(channels) : channels + "x" + height + "x" + width;
    }
}
