package org.distill4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.distill4j.data.TableReader;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TableReader} on arbitrary bytes: headers, quoting, column counts, numbers, missing markers and label
 * columns. Each input is read in several dialects: comma, tab and semicolon delimiters; the label by name and by
 * index from either end, required or not; missing cells refused and allowed.
 */
@Timeout(60)
class TableReaderFuzzTest {
    private static final TableReader COMMA = TableReader.forFile(Path.of("input.csv"));
    private static final List<TableReader> DIALECTS = List.of(
            COMMA,
            COMMA.withMissingCells(true).withLabelRequired(false),
            TableReader.forFile(Path.of("input.tsv")).withLabel("-1").withMissingCells(true),
            COMMA.withDelimiter(';').withLabel("0"),
            COMMA.withDelimiter('\t').withLabel("class").withLabelRequired(false));

    @MethodSource("files")
    @FuzzTest(maxDuration = "30s")
    void file(byte[] bytes) throws Exception {
        for (TableReader reader : DIALECTS) {
            ReaderContract.check(bytes, ".csv", reader::read);
        }
    }

    static Stream<Arguments> files() {
        return Stream.of(
                        "a,b,label\n0.5,1,cat\n-2e-3,3.25,dog\n",
                        "a,b,label\n1,NA,x\n\n\"3\",\" 4 \",\n?,null,y\n",
                        "\uFEFFx\tlabel\n1\t0\nNaN\t1\n",
                        "label;\"quoted \"\"name\"\"\";c\n2;1e38;inf\n-1;.5;\n",
                        "class\tx\n1\t2\n3\n",
                        "1,2,3\n4,5,6\n",
                        "a,a,label\n1,2,3\n",
                        "a,label\n")
                .map(s -> Arguments.of((Object) s.getBytes(StandardCharsets.UTF_8)));
    }
}
