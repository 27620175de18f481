package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.io.DataFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir
    Path dir;

    private Path csv(String text) throws IOException {
        return Files.writeString(dir.resolve("data.csv"), text, StandardCharsets.UTF_8);
    }

    private static float[] features(Dataset d) {
        float[] all = new float[d.size() * d.featureCount()];
        for (int i = 0; i < d.size(); i++) {
            d.features(i, all, i * d.featureCount());
        }
        return all;
    }

    private String rejected(CsvReader reader, Path file) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> reader.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String part) {
        assertTrue(message.contains(part), () -> "expected '" + part + "' in: " + message);
    }

    @Test
    void labelByHeaderName() throws IOException {
        Path file = csv("x1,species,x2\n1.5,0,-2\n  3 , 2 ,4e-1\n");
        Dataset d = CsvReader.labelColumn("species").read(file);
        assertEquals(2, d.size());
        assertEquals(2, d.featureCount());
        assertEquals(3, d.classCount(), "the largest label plus one");
        assertArrayEquals(new int[] {0, 2}, d.labels());
        assertArrayEquals(new float[] {1.5f, -2, 3, 0.4f}, features(d));
    }

    @Test
    void labelByIndexWithoutHeaderAndAGivenClassCount() throws IOException {
        Path file = csv("0.1,0.2,1\n\n0.3,0.4,0\n");
        Dataset d = CsvReader.labelColumn(-1).withClassCount(5).read(file);
        assertEquals(5, d.classCount());
        assertArrayEquals(new int[] {1, 0}, d.labels());
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, features(d));
        assertArrayEquals(new int[] {1, 0}, CsvReader.labelColumn(2).read(file).labels());
    }

    @Test
    void headerRowByIndexSemicolonsQuotesBomAndCrLf() throws IOException {
        Path file = csv("\uFEFF\"label\";\"a;b\";c\r\n\"1\";\"2.5\";3\r\n0;.5;\"-1\"\r\n");
        Dataset d = CsvReader.labelColumn(0).withHeader(true).withDelimiter(';').read(file);
        assertArrayEquals(new int[] {1, 0}, d.labels());
        assertArrayEquals(new float[] {2.5f, 3, 0.5f, -1}, features(d));
    }

    @Test
    void emptyOrMinusOneLabelsAreUnlabelled() throws IOException {
        Dataset d = CsvReader.labelColumn(0).read(csv("1,5\n,6\n-1,7\n0,8\n"));
        assertArrayEquals(new int[] {1, -1, -1, 0}, d.labels());
        assertEquals(2, d.labelledCount());
    }

    // ---- errors ----

    @Test
    void badNumberNamesLineColumnAndHeader() throws IOException {
        Path file = csv("a,b,label\n1,2,0\n3,abc,1\n");
        assertEquals(file + ": line 3, column 2 ('b'): 'abc' is not a number, expected a decimal number such as 1, -0.5 or 2e-3",
                rejected(CsvReader.labelColumn("label"), file));
    }

    @Test
    void nanInfinityAndLenientJavaNumbersAreRejected() throws IOException {
        assertContains(rejected(CsvReader.labelColumn(0), csv("0,NaN\n")), "line 1, column 2: 'NaN' is not a number");
        assertContains(rejected(CsvReader.labelColumn(0), csv("0,1f\n")), "'1f' is not a number");
        assertContains(rejected(CsvReader.labelColumn(0), csv("0,0x1p3\n")), "'0x1p3' is not a number");
        assertContains(rejected(CsvReader.labelColumn(0), csv("0,1e39\n")), "line 1, column 2: 1e39 is too large for float");
        assertContains(rejected(CsvReader.labelColumn(0), csv("0,\n")), "line 1, column 2: '' is not a number");
    }

    @Test
    void raggedRows() throws IOException {
        Path file = csv("1,2,0\n3,4,1\n5,1\n");
        assertEquals(file + ": line 3 has 2 columns, expected 3 (as on line 1)", rejected(CsvReader.labelColumn(-1), file));
        assertContains(rejected(CsvReader.labelColumn("y"), csv("x,y\n1,0,7\n")), "line 2 has 3 columns, expected 2 (as on line 1)");
    }

    @Test
    void labelsOutOfRangeOrNotIntegers() throws IOException {
        Path file = csv("x,y\n1,0\n2,3\n");
        assertEquals(file + ": line 3, column 2 ('y'): label 3, expected 0 to 2 (or -1 for unlabelled)",
                rejected(CsvReader.labelColumn("y").withClassCount(3), file));
        assertContains(rejected(CsvReader.labelColumn(1), csv("1,1.0\n")), "line 1, column 2: label '1.0', expected a class index");
        assertContains(rejected(CsvReader.labelColumn(1), csv("1,setosa\n")), "label 'setosa'");
        assertContains(rejected(CsvReader.labelColumn(1), csv("1,-2\n")), "label '-2'");
    }

    @Test
    void missingLabelColumn() throws IOException {
        assertContains(rejected(CsvReader.labelColumn("class"), csv("a,b\n1,2\n")), "header on line 1 has no column 'class'; it has [a, b]");
        assertContains(rejected(CsvReader.labelColumn(5), csv("1,2\n")), "label column index 5 is outside the 2 columns of line 1");
    }

    @Test
    void oneColumnSuggestsTheDelimiter() throws IOException {
        assertContains(rejected(CsvReader.labelColumn(0), csv("1;2;3\n")),
                "line 1 has 1 column, expected at least 2 (a label and a feature); is the delimiter ';' rather than ','?");
    }

    @Test
    void unclosedQuote() throws IOException {
        assertContains(rejected(CsvReader.labelColumn(0), csv("0,\"1\n2\"\n")), "line 1, column 2: quote opened at character 3 is not closed");
    }

    @Test
    void emptyFileAndInvalidUtf8() throws IOException {
        assertContains(rejected(CsvReader.labelColumn(0), csv("\n  \n")), "has no rows");
        Path file = Files.write(dir.resolve("latin1.csv"), new byte[] {'0', ',', (byte) 0xE9, '\n'});
        assertContains(rejected(CsvReader.labelColumn(0), file), "is not valid UTF-8 text");
    }
}
