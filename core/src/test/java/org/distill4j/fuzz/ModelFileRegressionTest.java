package org.distill4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.io.DataFormatException;
import org.distill4j.io.ModelFile;
import org.distill4j.io.NamedTensor;
import org.distill4j.io.Safetensors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the model-file fuzzers found, as readable cases: an architecture the loader must refuse with a
 * {@link DataFormatException} naming the file and the field, without allocating what a lying header claims and
 * without leaving tensors open. (Before the fix a layer without a type was a NullPointerException, and a linear
 * layer claiming 40000 x 40000 inputs allocated 12 GB before looking at the tensors.)
 */
class ModelFileRegressionTest {
    @TempDir
    Path dir;

    private Path modelFile(String architecture) throws Exception {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", ModelFile.FORMAT);
        metadata.put("format_version", "1");
        metadata.put("architecture", architecture);
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, metadata, List.of(
                new NamedTensor("layers.0.weight", new int[] {4, 3}, new float[12]),
                new NamedTensor("layers.0.bias", new int[] {3}, new float[3])));
        return file;
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("malformed architectures are refused naming the problem")
    @CsvSource(delimiter = '|', textBlock = """
            layer without a type      | {"inputSize":4,"layers":[{"typE":"linear","config":{"in":4,"out":3}}]}               | model architecture layer 0 lacks a string 'type'
            type that is not a string | {"inputSize":4,"layers":[{"type":["linear"]}]}                                         | model architecture layer 0 lacks a string 'type'
            layer that is a number    | {"inputSize":4,"layers":[7]}                                                          | model architecture layer 0 is not a JSON object
            config that is a list     | {"inputSize":4,"layers":[{"type":"relu","config":[1]}]}                              | model architecture layer 0 'config' is not a JSON object
            huge linear layer         | {"inputSize":40000,"layers":[{"type":"linear","config":{"in":40000,"out":40000}}]} | tensor 'layers.0.weight' shape [4, 3], expected [40000, 40000]
            fractional size           | {"inputSize":4,"layers":[{"type":"linear","config":{"in":4,"out":3.5}}]}             | __metadata__.architecture layer 0: layer config field 'out' must be an integer >= 1, found 3.5
            size over 2^31            | {"inputSize":4,"layers":[{"type":"linear","config":{"in":4,"out":4294967299}}]}      | __metadata__.architecture layer 0: layer config field 'out' must be an integer >= 1, found 4294967299
            size as a string          | {"inputSize":4,"layers":[{"type":"linear","config":{"in":"4","out":3}}]}             | __metadata__.architecture layer 0: layer config field 'in' must be an integer >= 1, found "4"
            input size of zero        | {"inputSize":0,"layers":[{"type":"relu"}]}                                            | __metadata__.architecture: model architecture 'inputSize' must be an integer >= 1, found 0
            dropout that is text      | {"inputSize":4,"layers":[{"type":"dropout","config":{"p":"half"}}]}                  | __metadata__.architecture: layer config field 'p' must be a number, found "half"
            not an object             | [1,2]                                                                                  | __metadata__.architecture is not a JSON object
            """)
    void malformedArchitecture(String what, String architecture, String problem) throws Exception {
        Path file = modelFile(architecture);
        try (StorageBackend backend = new StorageBackend()) {
            DataFormatException e = assertThrows(DataFormatException.class, () -> ModelFile.load(backend, file).close(), what);
            assertEquals(file.toString(), e.source());
            assertTrue(e.problem().contains(problem), what + ": " + e.getMessage());
            assertEquals(0, backend.liveTensors(), what + ": tensors left open");
        }
        Files.delete(file);
    }

    @org.junit.jupiter.api.Test
    @DisplayName("a file without format_version is refused naming the field (the version check threw a NullPointerException)")
    void missingFormatVersion() throws Exception {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", ModelFile.FORMAT);
        metadata.put("format_veisron", "2");
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, metadata, List.of(new NamedTensor("layers.0.bias", new int[] {3}, new float[3])));
        try (StorageBackend backend = new StorageBackend()) {
            DataFormatException e = assertThrows(DataFormatException.class, () -> ModelFile.load(backend, file).close());
            assertTrue(e.problem().contains("__metadata__.format_version"), e.getMessage());
        }
    }
}
