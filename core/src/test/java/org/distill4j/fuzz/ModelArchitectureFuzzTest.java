package org.distill4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.distill4j.io.ModelFile;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Sequential;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ModelFile#load} of a well-formed file of a 4-3-2 MLP's parameters whose architecture metadata the fuzzer
 * writes: layer types, sizes (huge, zero, negative, not numbers) and options must be checked against the tensors
 * before anything is allocated for them, and every tensor allocated must be freed when loading fails.
 */
@Timeout(60)
class ModelArchitectureFuzzTest {
    private static final Map<String, int[]> TENSORS = new LinkedHashMap<>();

    static {
        TENSORS.put("layers.0.weight", new int[] {4, 3});
        TENSORS.put("layers.0.bias", new int[] {3});
        TENSORS.put("layers.2.weight", new int[] {3, 2});
        TENSORS.put("layers.2.bias", new int[] {2});
    }

    /**
     * A well-formed file of a 4-3-2 MLP's parameters whose architecture metadata is {@code architecture}:
     * the fuzzer edits layer types, sizes and options and the loader must match them against the tensors.
     */
    @MethodSource("architectures")
    @FuzzTest(maxDuration = "30s")
    void architecture(@NotNull String architecture) throws Exception {
        JsonObject metadata = new JsonObject();
        metadata.addProperty("format", ModelFile.FORMAT);
        metadata.addProperty("format_version", "1");
        metadata.addProperty("architecture", architecture);
        JsonObject header = new JsonObject();
        header.add("__metadata__", metadata);
        int offset = 0;
        for (Map.Entry<String, int[]> t : TENSORS.entrySet()) {
            int size = 1;
            JsonArray shape = new JsonArray();
            for (int d : t.getValue()) {
                shape.add(d);
                size *= d;
            }
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", "F32");
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + 4 * size);
            entry.add("data_offsets", offsets);
            header.add(t.getKey(), entry);
            offset += 4 * size;
        }
        ModelFileFuzzTest.loadModel(Seeds.safetensors(header.toString(), new byte[offset]));
    }

    static Stream<Arguments> architectures() {
        try (StorageBackend backend = new StorageBackend();
             Sequential small = ModelFileFuzzTest.model(backend, MlpSpec.parse("4-3-2"));
             Sequential regularised = ModelFileFuzzTest.model(backend, MlpSpec.parse("4-3-2").withDropout(0.2f, 0.5f).withMaxNorm(3.5f))) {
            return Stream.of(small.architecture().toString(), regularised.architecture().toString(),
                            "{\"inputSize\":4,\"layers\":[{\"type\":\"linear\",\"config\":{\"in\":4,\"out\":3}},{\"type\":\"relu\"},"
                                    + "{\"type\":\"linear\",\"config\":{\"in\":3,\"out\":2,\"maxNorm\":1.5}}]}",
                            "{\"inputSize\":4,\"layers\":[]}")
                    .map(s -> Arguments.of((Object) s));
        }
    }
}
