package org.distill4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.distill4j.data.CsvReader;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CsvReader} on arbitrary bytes: UTF-8, quoting, column counts, numbers and labels. Each input is read with
 * the label in the last column and no header, and with the label chosen by the header name {@code label}.
 */
@Timeout(60)
class CsvFuzzTest {
    private static final CsvReader LAST_COLUMN = CsvReader.labelColumn(-1);
    private static final CsvReader NAMED = CsvReader.labelColumn("label").withClassCount(3);

    @MethodSource("files")
    @FuzzTest(maxDuration = "30s")
    void file(byte[] bytes) throws Exception {
        ReaderContract.check(bytes, ".csv", LAST_COLUMN::read);
        ReaderContract.check(bytes, ".csv", NAMED::read);
    }

    static Stream<Arguments> files() {
        return Stream.of(
                        "0.5,1,0\n-2e-3,3.25,2\n",
                        "a,b,label\n1,2,1\n\n\"3\",\" 4 \",\n",
                        "\uFEFFx;label\n1;0\n",
                        "label,\"quoted \"\"name\"\"\"\n2,1e38\n-1,.5\n",
                        "1,2\n3\n")
                .map(s -> Arguments.of((Object) s.getBytes(StandardCharsets.UTF_8)));
    }
}
