package org.distill4j.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.distill4j.io.DataFormatException;
import org.distill4j.io.Npy;
import org.distill4j.train.Probabilities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherLogitsTest {
    @Test
    void aNonFiniteLogitIsReportedByRowAndColumn() {
        float[] z = {0, 1, 2, 3, Float.NaN, 5};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TeacherLogits.of(z, 2, 3));
        assertTrue(e.getMessage().contains("row 1, column 1"), e.getMessage());
    }

    @Test
    void theSizeMustMatchRowsTimesClasses() {
        assertThrows(IllegalArgumentException.class, () -> TeacherLogits.of(new float[5], 2, 3));
    }

    @Test
    void anEnsembleOfProbabilitiesSoftensToTheMembersMeanProbability() {
        TeacherLogits a = TeacherLogits.of(new float[] {4, 0, -2}, 1, 3);
        TeacherLogits b = TeacherLogits.of(new float[] {-1, 3, 1}, 1, 3);
        float t = 2.5f;
        TeacherLogits e = TeacherLogits.ensemble(List.of(a, b), TeacherLogits.Combine.PROBABILITIES, t);
        double[] pa = Probabilities.softmax(a.toArray(), t);
        double[] pb = Probabilities.softmax(b.toArray(), t);
        double[] pe = Probabilities.softmax(e.toArray(), t);
        for (int c = 0; c < 3; c++) {
            assertEquals((pa[c] + pb[c]) / 2, pe[c], 1e-6);
        }
    }

    @Test
    void anEnsembleOfLogitsAveragesThem() {
        TeacherLogits a = TeacherLogits.of(new float[] {4, 0, -2}, 1, 3);
        TeacherLogits b = TeacherLogits.of(new float[] {-2, 2, 0}, 1, 3);
        assertArrayEquals(new float[] {1, 1, -1},
                TeacherLogits.ensemble(List.of(a, b), TeacherLogits.Combine.LOGITS, 1f).toArray());
    }

    @Test
    void membersOfDifferentShapesCannotBeCombined() {
        TeacherLogits a = TeacherLogits.of(new float[] {1, 2, 3}, 1, 3);
        TeacherLogits b = TeacherLogits.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertThrows(IllegalArgumentException.class,
                () -> TeacherLogits.ensemble(List.of(a, b), TeacherLogits.Combine.LOGITS, 1f));
    }

    @Test
    void logitsRoundTripThroughNpyAndAreCheckedAgainstTheTransferSet(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("logits.npy");
        TeacherLogits l = TeacherLogits.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        l.save(file);
        assertArrayEquals(l.toArray(), TeacherLogits.load(file, 2, 3).toArray());
        DataFormatException rows = assertThrows(DataFormatException.class, () -> TeacherLogits.load(file, 5, 3));
        assertTrue(rows.getMessage().contains("(2, 3)") && rows.getMessage().contains("(5, 3)"), rows.getMessage());
        assertThrows(DataFormatException.class, () -> TeacherLogits.load(file, 2, 10));
    }

    @Test
    void aNaNInAnImportedFileIsRejectedBeforeTraining(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.npy");
        Npy.write(file, 2, 2, new float[] {0, 1, Float.NaN, 3});
        DataFormatException e = assertThrows(DataFormatException.class, () -> TeacherLogits.load(file, 2, 2));
        assertTrue(e.getMessage().contains("bad.npy"), e.getMessage());
    }

    @Test
    void aSubsetKeepsTheChosenRowsInOrder() {
        TeacherLogits l = TeacherLogits.of(new float[] {0, 0, 1, 1, 2, 2}, 3, 2);
        assertArrayEquals(new float[] {2, 2, 0, 0}, l.subset(new int[] {2, 0}).toArray());
    }
}
