package org.distill4j.data;

import static org.distill4j.data.DataTestFiles.assertContains;
import static org.distill4j.data.DataTestFiles.rejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Path;
import org.distill4j.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyFeaturesTest {
    @TempDir
    Path dir;

    @Test
    void aMatrixIsRowsOfFeatures() throws IOException {
        Path file = dir.resolve("x.npy");
        Npy.write(file, 2, 3, new float[] {1, 2, 3, 4, 5, 6});
        NpyFeatures.Features f = NpyFeatures.read(file);
        assertEquals(2, f.rows());
        assertEquals(3, f.cols());
        assertNull(f.imageShape());
        assertEquals("<f4", f.dtype());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, f.data());
    }

    @Test
    void threeAndFourDimensionsAreImages() throws IOException {
        Path grey = DataTestFiles.npy(dir, "grey.npy", "|u1", "(2, 2, 3)", new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 255});
        NpyFeatures.Features f = NpyFeatures.read(grey);
        assertEquals(new Dataset.ImageShape(1, 2, 3), f.imageShape());
        assertEquals(6, f.cols());
        assertEquals(255f, f.data()[11], "uint8 values are kept as they are");
        Path colour = dir.resolve("colour.npy");
        Npy.write(colour, new int[] {1, 3, 2, 2}, new float[12]);
        assertEquals(new Dataset.ImageShape(3, 2, 2), NpyFeatures.read(colour).imageShape());
    }

    @Test
    void nanOrInfinityNamesRowAndColumn() throws IOException {
        Path file = dir.resolve("x.npy");
        Npy.write(file, 2, 2, new float[] {1, 2, 3, Float.NaN});
        assertContains(rejected(file, () -> NpyFeatures.read(file)), "value at row 1, column 1 is NaN, expected only finite values");
        Npy.write(file, 2, 2, new float[] {Float.POSITIVE_INFINITY, 2, 3, 4});
        assertContains(rejected(file, () -> NpyFeatures.read(file)), "value at row 0, column 0 is Infinity");
    }

    @Test
    void aHeaderClaimingTenBillionRowsFailsBeforeAllocating() throws IOException {
        Path file = DataTestFiles.npy(dir, "big.npy", "<f4", "(10000000000, 3)", new byte[12]);
        assertContains(rejected(file, () -> NpyFeatures.read(file)), "has more than 2^31 elements");
        Path lying = DataTestFiles.npy(dir, "lying.npy", "<f4", "(100000000, 3)", new byte[12]);
        assertContains(rejected(lying, () -> NpyFeatures.read(lying)), "data length 12 bytes, expected 1200000000");
    }

    @Test
    void shapesThatAreNotFeatures() throws IOException {
        Path vector = dir.resolve("v.npy");
        Npy.write(vector, new int[] {3}, new float[3]);
        assertContains(rejected(vector, () -> NpyFeatures.read(vector)), "shape (3,), expected (rows, features)");
        Path empty = dir.resolve("e.npy");
        Npy.write(empty, new int[] {0, 3}, new float[0]);
        assertContains(rejected(empty, () -> NpyFeatures.read(empty)), "shape (0, 3), expected at least one row");
    }
}
