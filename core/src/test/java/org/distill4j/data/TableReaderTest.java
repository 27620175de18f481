package org.distill4j.data;

import static org.distill4j.data.DataTestFiles.assertContains;
import static org.distill4j.data.DataTestFiles.rejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableReaderTest {
    @TempDir
    Path dir;

    private Path csv(String text) throws IOException {
        return DataTestFiles.text(dir, "data.csv", text);
    }

    private String rejectedBy(TableReader reader, Path file) {
        return rejected(file, () -> reader.read(file));
    }

    // ---- reading ----

    @Test
    void headerNamesTheFeaturesAndTheLabelColumnHoldsText() throws IOException {
        Path file = csv("width,label,height\n1.5,cat,-2\n\n  3 , dog ,4e-1\n");
        RawTable t = TableReader.forFile(file).read(file);
        assertEquals(List.of("width", "height"), t.featureNames());
        assertEquals(2, t.rows());
        assertArrayEquals(new float[] {1.5f, -2, 3, 0.4f}, t.features());
        assertEquals(List.of("cat", "dog"), t.labels());
        assertArrayEquals(new int[] {2, 4}, t.lines(), "file lines of the rows, blank line skipped");
    }

    @Test
    void labelColumnByNameOrByIndexCountingFromEitherEnd() throws IOException {
        Path file = csv("a,b,species\n1,2,3\n");
        TableReader reader = TableReader.forFile(file);
        assertEquals(List.of("3"), reader.withLabel("species").read(file).labels());
        assertEquals(List.of("3"), reader.withLabel("2").read(file).labels());
        assertEquals(List.of("3"), reader.withLabel("-1").read(file).labels());
        RawTable first = reader.withLabel("0").read(file);
        assertEquals(List.of("1"), first.labels());
        assertEquals(List.of("b", "species"), first.featureNames());
    }

    @Test
    void aHeaderNameThatLooksLikeAnIndexIsTakenAsTheName() throws IOException {
        Path file = csv("x,0,y\n5,6,7\n");
        assertEquals(List.of("6"), TableReader.forFile(file).withLabel("0").read(file).labels());
    }

    @Test
    void delimiterByExtensionOrGiven() throws IOException {
        Path tsv = DataTestFiles.text(dir, "data.tsv", "a\tlabel\n1\t0\n");
        assertEquals(List.of("a"), TableReader.forFile(tsv).read(tsv).featureNames());
        Path tab = DataTestFiles.text(dir, "data.TAB", "a\tlabel\n1\t0\n");
        assertEquals(List.of("a"), TableReader.forFile(tab).read(tab).featureNames());
        Path semicolons = csv("a;label\n1;0\n");
        assertEquals(List.of("a"), TableReader.forFile(semicolons).withDelimiter(';').read(semicolons).featureNames());
    }

    @Test
    void quotingBomAndEmptyLabels() throws IOException {
        Path file = csv("\uFEFF\"a, quoted\",label\n\"1\",\"say \"\"hi\"\"\"\n2,\n");
        RawTable t = TableReader.forFile(file).read(file);
        assertEquals(List.of("a, quoted"), t.featureNames());
        assertEquals(List.of("say \"hi\"", ""), t.labels(), "an empty label cell is \"\" (unlabelled)");
    }

    @Test
    void withoutARequiredLabelTheLabelsAreNull() throws IOException {
        Path file = csv("a,b\n1,2\n");
        RawTable t = TableReader.forFile(file).withLabelRequired(false).read(file);
        assertNull(t.labels());
        assertEquals(List.of("a", "b"), t.featureNames());
        Path labelled = csv("a,label\n1,7\n");
        assertEquals(List.of("7"), TableReader.forFile(labelled).withLabelRequired(false).read(labelled).labels());
    }

    @Test
    void missingCellsAreNaNWhenAllowed() throws IOException {
        Path file = csv("a,b,c,d,e,f,label\n,NA,nan,NULL,?,1,0\n");
        float[] f = TableReader.forFile(file).withMissingCells(true).read(file).features();
        for (int c = 0; c < 5; c++) {
            assertEquals(Float.NaN, f[c], "column " + (c + 1));
        }
        assertEquals(1f, f[5]);
    }

    // ---- errors ----

    @Test
    void aMissingCellIsRefusedUnlessAllowed() throws IOException {
        Path file = csv("a,b,label\n1,2,0\n3,NA,1\n");
        assertEquals(file + ": line 3, column 2 ('b'): missing value 'NA', expected a number; "
                + "give --impute mean to fill missing cells with the training mean", rejectedBy(TableReader.forFile(file), file));
        assertContains(rejectedBy(TableReader.forFile(file), csv("a,label\n,0\n")), "line 2, column 1 ('a'): missing value ''");
    }

    @Test
    void aNonNumericCellNamesLineColumnAndText() throws IOException {
        Path file = csv("a,b,label\n1,2,0\n3,abc,1\n");
        assertEquals(file + ": line 3, column 2 ('b'): 'abc' is not a number, expected a decimal number such as 1, -0.5 or 2e-3",
                rejectedBy(TableReader.forFile(file).withMissingCells(true), file));
    }

    @Test
    void infinitiesAndFloatOverflowAreRefusedEvenWithMissingCellsAllowed() throws IOException {
        TableReader lenient = TableReader.forFile(csv("")).withMissingCells(true);
        assertContains(rejectedBy(lenient, csv("a,label\ninf,0\n")), "line 2, column 1 ('a'): 'inf' is not finite, expected a finite number");
        assertContains(rejectedBy(lenient, csv("a,label\n-Infinity,0\n")), "'-Infinity' is not finite");
        assertContains(rejectedBy(lenient, csv("a,label\n1e99,0\n")), "line 2, column 1 ('a'): 1e99 is too large for float");
    }

    @Test
    void aVaryingNumberOfColumns() throws IOException {
        Path file = csv("a,b,label\n1,2,0\n3,4\n");
        assertEquals(file + ": line 3 has 2 columns, expected 3 (as in the header on line 1)", rejectedBy(TableReader.forFile(file), file));
    }

    @Test
    void anEmptyFileOrOnlyAHeader() throws IOException {
        assertContains(rejectedBy(TableReader.forFile(csv("")), csv("")), "is empty, expected a header row");
        assertContains(rejectedBy(TableReader.forFile(csv("")), csv("\n \n")), "is empty");
        Path header = csv("a,label\n\n");
        assertContains(rejectedBy(TableReader.forFile(header), header), "has a header (line 1) but no rows");
    }

    @Test
    void aNumericFirstLineIsNotAHeader() throws IOException {
        Path file = csv("1,2,0\n3,4,1\n");
        assertContains(rejectedBy(TableReader.forFile(file), file), "line 1 holds only numbers",
                "the first line must be a header of column names");
    }

    @Test
    void duplicateAndEmptyHeaderNames() throws IOException {
        Path file = csv("a,b,a,label\n1,2,3,0\n");
        assertContains(rejectedBy(TableReader.forFile(file), file), "header on line 1: columns 1 and 3 are both named 'a'");
        Path unnamed = csv(",a,label\n0,1,0\n");
        assertContains(rejectedBy(TableReader.forFile(unnamed), unnamed), "header on line 1, column 1: empty name");
    }

    @Test
    void aMissingLabelColumnNamesTheHeader() throws IOException {
        Path file = csv("a,b\n1,2\n");
        assertContains(rejectedBy(TableReader.forFile(file), file), "header on line 1 has no label column 'label'; it has [a, b]");
        assertContains(rejectedBy(TableReader.forFile(file).withLabel("5"), file),
                "label column index 5 is outside the 2 columns of the header on line 1 [a, b]");
        Path semicolons = csv("a;label\n1;0\n");
        assertContains(rejectedBy(TableReader.forFile(semicolons), semicolons), "is the delimiter ';' rather than ','?");
        Path onlyLabel = csv("label\n0\n");
        assertContains(rejectedBy(TableReader.forFile(onlyLabel), onlyLabel), "has only the label column 'label'");
    }

    @Test
    void anUnclosedQuoteAndBadUtf8() throws IOException {
        Path file = csv("a,label\n\"1,0\n");
        assertContains(rejectedBy(TableReader.forFile(file), file), "line 2, column 1: quote opened at character 1 is not closed");
        Path bad = Files.write(dir.resolve("bad.csv"), new byte[] {'a', ',', 'l', '\n', (byte) 0xC3, '(', '\n'});
        assertContains(rejectedBy(TableReader.forFile(bad).withLabel("l"), bad), "is not valid UTF-8 text");
    }
}
