package org.distill4j.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Backends;
import org.distill4j.data.Preprocessing;
import org.distill4j.io.ModelFile;
import org.distill4j.io.ModelSchema;
import org.distill4j.nn.Linear;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CsvRowApp finds the model's features in a CSV header by name, whatever their order, and prints class names. */
class CsvRowAppTest {
    /**
     * A linear model over features (a, b, c) whose class is "yes" when (a - 10) - c > 0, else "no": the offset 10 is
     * its saved preprocessing, so the rows below are classified right only if the app passes raw values in the
     * model's order.
     */
    private static Path model(Path dir) throws Exception {
        Path file = dir.resolve("student.safetensors");
        try (Backend backend = Backends.create(); Sequential model = MlpSpec.parse("3-2").build(backend, 1)) {
            Linear linear = (Linear) model.layers().get(0);
            linear.weight().value().copyFrom(new float[] {-1, 1, 0, 0, 1, -1});
            linear.bias().value().copyFrom(new float[] {0, 0});
            Preprocessing offsetA = Preprocessing.of(Preprocessing.Kind.STANDARDIZE, new float[] {10, 0, 0}, new float[] {1, 1, 1}, null);
            ModelSchema schema = new ModelSchema(offsetA, List.of("a", "b", "c"), List.of("no", "yes"), null);
            ModelFile.save(model, schema, file, Map.of());
        }
        return file;
    }

    private static String run(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertEquals(0, CsvRowApp.run(args, out));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void mapsColumnsByNameAndPrintsClassNames(@TempDir Path dir) throws Exception {
        Path model = model(dir);
        Path csv = Files.writeString(dir.resolve("rows.csv"), """
                c,label,b,a
                0,yes,5,12
                3,no,-7,11
                -1,yes,100,9.5
                2.5, no ,0, 12
                """);
        assertEquals(List.of("yes", "no", "yes", "no"), run(model.toString(), csv.toString()).lines().toList());
    }

    @Test
    void latencyFlagAddsAMedianLine(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("rows.csv"), "a,b,c\n12,0,0\n");
        List<String> out = run(model(dir).toString(), csv.toString(), "--latency", "50").lines().toList();
        assertEquals(2, out.size());
        assertEquals("yes", out.get(0));
        assertTrue(out.get(1).matches("latency: median [0-9.]+ us per single-example predict over 50 calls"), out.get(1));
    }

    @Test
    void aMissingFeatureColumnIsNamed(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("rows.csv"), "a,c,label\n1,2,no\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(model(dir).toString(), csv.toString()));
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
    }
}
