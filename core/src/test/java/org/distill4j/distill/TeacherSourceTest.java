package org.distill4j.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.data.Dataset;
import org.distill4j.io.DataFormatException;
import org.distill4j.io.Npy;
import org.distill4j.train.Probabilities;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Teachers from another framework: their rows are matched to transfer examples, probabilities become logits. */
class TeacherSourceTest {
    @TempDir
    Path dir;

    /** Four transfer examples of 3 classes, rows 0, 2, 3 and 5 of a six-row file (a validation split took 1 and 4). */
    private static TeacherSource.Transfer transfer() {
        Dataset data = new Dataset(new float[] {0, 2, 3, 5}, 1, new int[] {0, 1, 2, 0}, 3);
        return new TeacherSource.Transfer(data, new int[] {0, 2, 3, 5}, 6);
    }

    private Path npy(String name, int rows, int cols, float... values) throws Exception {
        Path file = dir.resolve(name);
        Npy.write(file, rows, cols, values);
        return file;
    }

    @Test
    @DisplayName("logits for every file row are matched to the transfer examples by their file rows")
    void logitsFollowFileRows() throws Exception {
        float[] values = new float[18];
        for (int r = 0; r < 6; r++) {
            values[3 * r] = r;
        }
        TeacherSource.Aligned a = new TeacherSource.ImportedLogits(npy("l.npy", 6, 3, values), null).logits(null, transfer(), 1f);
        assertArrayEquals(new int[] {0, 1, 2, 3}, a.examples());
        assertArrayEquals(new float[] {0, 0, 0, 2, 0, 0, 3, 0, 0, 5, 0, 0}, a.logits().toArray());
    }

    @Test
    @DisplayName("with a row-id file, a teacher that wrote a subset in another order covers only those examples")
    void rowIdsSelectAndReorder() throws Exception {
        Path ids = dir.resolve("rows.txt");
        Files.writeString(ids, "5\n1\n0\n");
        TeacherSource.Aligned a = new TeacherSource.ImportedLogits(npy("l.npy", 3, 3, 5, 0, 0, 1, 0, 0, 0, 0, 0), ids)
                .logits(null, transfer(), 1f);
        assertArrayEquals(new int[] {0, 3}, a.examples(), "file rows 0 and 5 are transfer examples 0 and 3; row 1 is not in the transfer set");
        assertArrayEquals(new float[] {0, 0, 0, 5, 0, 0}, a.logits().toArray());
        assertTrue(a.report().contains("covers 2 of 4 transfer examples"), a.report());
    }

    @Test
    @DisplayName("without row ids the row count must be the transfer file's, and the columns its classes")
    void shapesAreChecked() throws Exception {
        DataFormatException rows = assertThrows(DataFormatException.class,
                () -> new TeacherSource.ImportedLogits(npy("l.npy", 4, 3, new float[12]), null).logits(null, transfer(), 1f));
        assertTrue(rows.getMessage().contains("row count 4, expected 6"), rows.getMessage());
        DataFormatException cols = assertThrows(DataFormatException.class,
                () -> new TeacherSource.ImportedLogits(npy("c.npy", 6, 2, new float[12]), null).logits(null, transfer(), 1f));
        assertTrue(cols.getMessage().contains("class count (columns) 2, expected 3"), cols.getMessage());
    }

    @Test
    @DisplayName("probabilities become logits whose softmax is the teacher's distribution; bad rows are renormalised or floored and reported")
    void probabilitiesBecomeLogits() throws Exception {
        float[] p = {
                0.7f, 0.2f, 0.1f,
                0, 0, 0,
                1.4f, 0.4f, 0.2f,
                0.5f, 0.5f, 0f,
                0, 0, 0,
                0.2f, 0.3f, 0.5f};
        p[3] = 1;
        p[12] = 1;
        TeacherSource.Aligned a = new TeacherSource.ImportedProbabilities(npy("p.npy", 6, 3, p), null).logits(null, transfer(), 1f);
        float[] z = a.logits().toArray();
        float[] row = new float[3];
        System.arraycopy(z, 0, row, 0, 3);
        assertArrayEquals(new double[] {0.7, 0.2, 0.1}, Probabilities.softmax(row, 1), 1e-6);
        System.arraycopy(z, 3, row, 0, 3);
        assertArrayEquals(new double[] {0.7, 0.2, 0.1}, Probabilities.softmax(row, 1), 1e-6, "a row summing to 2 is renormalised");
        System.arraycopy(z, 6, row, 0, 3);
        double[] floored = Probabilities.softmax(row, 1);
        assertEquals(TeacherSource.ImportedProbabilities.FLOOR, floored[2], 1e-9, "a zero is raised to the floor");
        assertTrue(a.report().contains("1 rows did not sum to 1"), a.report());
        assertTrue(a.report().contains("3 rows had probabilities below"), a.report());
    }

    @Test
    @DisplayName("a negative probability, or a row of zeros, is an error naming the row")
    void badProbabilities() throws Exception {
        float[] negative = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0.5f, 0.6f, -0.1f};
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> new TeacherSource.ImportedProbabilities(npy("n.npy", 6, 3, negative), null).logits(null, transfer(), 1f));
        assertTrue(e.getMessage().contains("row 5, column 2: probability -0.1"), e.getMessage());
        float[] zeros = {1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0};
        e = assertThrows(DataFormatException.class,
                () -> new TeacherSource.ImportedProbabilities(npy("z.npy", 6, 3, zeros), null).logits(null, transfer(), 1f));
        assertTrue(e.getMessage().contains("row 1: every probability is 0"), e.getMessage());
    }
}
