package org.distill4j.io;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link Safetensors#read} found in a file: the {@code __metadata__} strings and the tensors in the order
 * of their data in the file. Both maps are unmodifiable. {@code source} names the file in error messages.
 */
public record SafetensorsFile(String source, Map<String, String> metadata, Map<String, NamedTensor> tensors) {

    public SafetensorsFile {
        Objects.requireNonNull(source, "source");
        metadata = Map.copyOf(metadata);
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** The tensor called {@code name}; a missing one is an error naming the file and the tensors it has. */
    public NamedTensor tensor(String name) throws DataFormatException {
        NamedTensor t = tensors.get(name);
        if (t == null) {
            throw new DataFormatException(source, "no tensor '" + name + "'; the file has " + tensors.keySet());
        }
        return t;
    }

    /** The tensor called {@code name}, which must have exactly the shape given. */
    public NamedTensor tensor(String name, int... shape) throws DataFormatException {
        NamedTensor t = tensor(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw DataFormatException.mismatch(source, "tensor '" + name + "' shape", Arrays.toString(t.shape()), Arrays.toString(shape));
        }
        return t;
    }
}
