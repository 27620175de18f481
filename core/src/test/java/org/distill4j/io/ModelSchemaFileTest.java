package org.distill4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.data.Dataset;
import org.distill4j.data.Preprocessing;
import org.distill4j.fuzz.StorageBackend;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Parameter;
import org.distill4j.nn.Sequential;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model file keeps the model's preprocessing, feature and class names and image shape (format version 2). */
class ModelSchemaFileTest {
    @TempDir
    Path dir;

    private static ModelSchema fullSchema() {
        Preprocessing p = Preprocessing.of(Preprocessing.Kind.STANDARDIZE, new float[] {1, -2, 0.5f, 3},
                new float[] {0.25f, 1, 2, 1e-3f}, new float[] {1, -2, 0.5f, 3});
        return new ModelSchema(p, List.of("sepal length", "sepal width", "petal \"length\"", "petal width"),
                List.of("setosa", "versicolor"), new Dataset.ImageShape(1, 2, 2));
    }

    /** The model's architecture and weights under {@code formatVersion}, with no input schema. */
    private static void writeWithoutSchema(Sequential m, String formatVersion, Path file) throws Exception {
        Map<String, String> md = new LinkedHashMap<>();
        md.put("format", ModelFile.FORMAT);
        md.put("format_version", formatVersion);
        md.put("architecture", m.architecture().toString());
        List<NamedTensor> tensors = new ArrayList<>();
        for (Parameter p : m.parameters()) {
            tensors.add(new NamedTensor(p.name(), p.value().shape(), p.value().toArray()));
        }
        Safetensors.write(file, md, tensors);
    }

    @Test
    @DisplayName("preprocessing, names and shape come back exactly as saved")
    void roundTrip() throws Exception {
        Path file = dir.resolve("m.safetensors");
        try (StorageBackend backend = new StorageBackend(); Sequential m = MlpSpec.parse("4-3-2").build(backend, 1)) {
            ModelFile.save(m, fullSchema(), file, Map.of("note", "x"));
            try (ModelFile.Saved back = ModelFile.read(backend, file)) {
                ModelSchema s = back.schema();
                ModelSchema expected = fullSchema();
                assertEquals(Preprocessing.Kind.STANDARDIZE, s.preprocessing().kind());
                assertArrayEquals(expected.preprocessing().offset(), s.preprocessing().offset());
                assertArrayEquals(expected.preprocessing().scale(), s.preprocessing().scale());
                assertArrayEquals(expected.preprocessing().fill(), s.preprocessing().fill());
                assertEquals(expected.featureNames(), s.featureNames());
                assertEquals(expected.classNames(), s.classNames());
                assertEquals(expected.imageShape(), s.imageShape());
                assertEquals("versicolor", s.className(1));
                for (int i = 0; i < m.parameters().size(); i++) {
                    assertArrayEquals(m.parameters().get(i).value().toArray(), back.model().parameters().get(i).value().toArray());
                }
            }
        }
    }

    @Test
    @DisplayName("a file of format version 1 loads with raw features as inputs and classes called by index")
    void versionOneFilesMeanWhatTheyMeant() throws Exception {
        Path file = dir.resolve("v1.safetensors");
        try (StorageBackend backend = new StorageBackend(); Sequential m = MlpSpec.parse("4-3-2").build(backend, 1)) {
            writeWithoutSchema(m, "1", file);
            try (ModelFile.Saved back = ModelFile.read(backend, file)) {
                assertEquals(Preprocessing.Kind.NONE, back.schema().preprocessing().kind());
                float[] raw = {0.1f, 0.9f, 0f, 1f};
                assertArrayEquals(raw, back.schema().preprocessing().transform(raw, 1));
                assertNull(back.schema().classNames());
                assertEquals("1", back.schema().className(1));
            }
        }
    }

    @Test
    @DisplayName("a schema whose feature count is not the model's input size is refused, naming both")
    void schemaMustFitTheModel() throws Exception {
        Path file = dir.resolve("m.safetensors");
        try (StorageBackend backend = new StorageBackend(); Sequential m = MlpSpec.parse("3-2").build(backend, 1)) {
            DataFormatException e = assertThrows(DataFormatException.class, () -> ModelFile.save(m, fullSchema(), file, Map.of()));
            assertTrue(e.getMessage().contains("input feature count 4, expected 3"), e.getMessage());
        }
    }

    @Test
    @DisplayName("a version-2 file without its input schema is refused, naming the missing field")
    void versionTwoNeedsItsSchema() throws Exception {
        Path file = dir.resolve("m.safetensors");
        try (StorageBackend backend = new StorageBackend(); Sequential m = MlpSpec.parse("4-2").build(backend, 1)) {
            writeWithoutSchema(m, "2", file);
            DataFormatException e = assertThrows(DataFormatException.class, () -> ModelFile.read(backend, file));
            assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains("lacks 'input'"), e.getMessage());
        }
    }
}
