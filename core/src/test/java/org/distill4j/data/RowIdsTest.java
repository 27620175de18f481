package org.distill4j.data;

import static org.distill4j.data.DataTestFiles.assertContains;
import static org.distill4j.data.DataTestFiles.rejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.distill4j.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowIdsTest {
    @TempDir
    Path dir;

    @Test
    void textOrIntegerNpyInFileOrder() throws IOException {
        assertArrayEquals(new int[] {4, 0, 2}, RowIds.read(DataTestFiles.text(dir, "ids.txt", "4\n 0\n\n2\n"), 5));
        assertArrayEquals(new int[] {1, 3}, RowIds.read(DataTestFiles.npy(dir, "ids.npy", "<i8", "(2,)", DataTestFiles.longs(1, 3)), 4));
    }

    @Test
    void aDuplicateNamesBothLines() throws IOException {
        Path file = DataTestFiles.text(dir, "ids.txt", "1\n2\n1\n");
        assertContains(rejected(file, () -> RowIds.read(file, 5)), "line 3: row id 1 appears again, first on line 1");
        Path npy = DataTestFiles.npy(dir, "ids.npy", "<i8", "(3,)", DataTestFiles.longs(0, 2, 2));
        assertContains(rejected(npy, () -> RowIds.read(npy, 5)), "index 2: row id 2 appears again, first on index 1");
    }

    @Test
    void idsMustBeBelowTheTransferSetSize() throws IOException {
        Path file = DataTestFiles.text(dir, "ids.txt", "0\n5\n");
        assertContains(rejected(file, () -> RowIds.read(file, 5)), "line 2: row id 5, expected 0 to 4 (the transfer set has 5 rows)");
        Path negative = DataTestFiles.npy(dir, "neg.npy", "<i8", "(1,)", DataTestFiles.longs(-1));
        assertContains(rejected(negative, () -> RowIds.read(negative, 5)), "index 0: row id -1, expected 0 to 4");
    }

    @Test
    void otherErrors() throws IOException {
        Path empty = DataTestFiles.text(dir, "empty.txt", "\n");
        assertContains(rejected(empty, () -> RowIds.read(empty, 5)), "holds no row ids");
        Path text = DataTestFiles.text(dir, "bad.txt", "1\nx\n");
        assertContains(rejected(text, () -> RowIds.read(text, 5)), "line 2: 'x', expected a row id (a non-negative integer)");
        Path floats = dir.resolve("f.npy");
        Npy.write(floats, new int[] {1}, new float[] {1});
        assertContains(rejected(floats, () -> RowIds.read(floats, 5)), "dtype '<f4', expected an integer type");
    }
}
