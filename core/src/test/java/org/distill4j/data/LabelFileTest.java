package org.distill4j.data;

import static org.distill4j.data.DataTestFiles.assertContains;
import static org.distill4j.data.DataTestFiles.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.distill4j.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelFileTest {
    @TempDir
    Path dir;

    @Test
    void textHasOneTrimmedLabelPerLineAndEmptyLinesAreUnlabelled() throws IOException {
        LabelFile.RawLabels l = LabelFile.read(DataTestFiles.text(dir, "y.txt", "\uFEFFcat\n dog \n\nbird\n"));
        assertEquals(List.of("cat", "dog", "", "bird"), l.labels(), "the final line break adds no row");
        assertEquals("line", l.unit());
        assertEquals("line 3", l.where(2));
        assertEquals(List.of("1", "2"), LabelFile.read(DataTestFiles.text(dir, "n.txt", "1\r\n2")).labels());
    }

    @Test
    void npyOfIntegersOrWholeFloatsInOneOrTwoDimensions() throws IOException {
        Path ints = DataTestFiles.npy(dir, "y.npy", "<i8", "(3,)", DataTestFiles.longs(2, 0, 1));
        LabelFile.RawLabels l = LabelFile.read(ints);
        assertEquals(List.of("2", "0", "1"), l.labels());
        assertEquals("index 2", l.where(2));
        Path column = dir.resolve("column.npy");
        Npy.write(column, 2, 1, new float[] {3, 4});
        assertEquals(List.of("3", "4"), LabelFile.read(column).labels());
    }

    @Test
    void theFormatIsToldByContentNotName() throws IOException {
        Path npyNamedTxt = dir.resolve("labels.txt");
        Npy.write(npyNamedTxt, new int[] {2}, new float[] {1, 0});
        assertEquals(List.of("1", "0"), LabelFile.read(npyNamedTxt).labels());
        Path idx = DataTestFiles.idx(dir, "labels.bin", new int[] {3}, new byte[] {7, 0, (byte) 200}, false);
        assertEquals(List.of("7", "0", "200"), LabelFile.read(idx).labels());
        Path gz = DataTestFiles.idx(dir, "labels.gz", new int[] {2}, new byte[] {1, 2}, true);
        assertEquals(List.of("1", "2"), LabelFile.read(gz).labels());
    }

    @Test
    void aFractionalFloatNamesItsIndex() throws IOException {
        Path file = dir.resolve("y.npy");
        Npy.write(file, new int[] {3}, new float[] {1, 2.5f, 3});
        assertEquals(file + ": index 1: label 2.5 ('<f4'), expected a whole number >= 0 (or -1 for unlabelled)",
                rejected(file, () -> LabelFile.read(file)));
    }

    @Test
    void minusOneInAnArrayMarksAnUnlabelledRow() throws IOException {
        Path file = dir.resolve("y.npy");
        Npy.write(file, new int[] {3}, new float[] {1, -1, 0});
        assertEquals(List.of("1", "", "0"), LabelFile.read(file).labels());
        Npy.write(file, new int[] {2}, new float[] {1, -2});
        assertContains(rejected(file, () -> LabelFile.read(file)), "index 1: label -2.0");
    }

    @Test
    void errors() throws IOException {
        Path empty = DataTestFiles.text(dir, "empty.txt", "");
        assertContains(rejected(empty, () -> LabelFile.read(empty)), "holds no labels");
        Path matrix = dir.resolve("m.npy");
        Npy.write(matrix, 2, 2, new float[4]);
        assertContains(rejected(matrix, () -> LabelFile.read(matrix)), "shape (2, 2), expected (N,) or (N, 1)");
        Path images = DataTestFiles.idx(dir, "images.idx", new int[] {1, 1, 1}, new byte[1], false);
        assertContains(rejected(images, () -> LabelFile.read(images)), "this is an IDX images file");
    }
}
