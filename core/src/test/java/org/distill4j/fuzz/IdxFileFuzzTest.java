package org.distill4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.stream.Stream;
import org.distill4j.data.IdxReader;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link IdxReader} on arbitrary bytes, read both as an images and as a labels file: magic and type byte,
 * dimension sizes (overflowing, lying about the file length), label ranges. The seeds include gzip files, so
 * corrupt compressed data is mutated too.
 */
@Timeout(60)
class IdxFileFuzzTest {
    @MethodSource("files")
    @FuzzTest(maxDuration = "30s")
    void file(byte[] bytes) throws Exception {
        ReaderContract.check(bytes, ".idx", IdxReader::readImages);
        ReaderContract.check(bytes, ".idx", f -> IdxReader.readLabels(f, 10));
    }

    static byte[] images() {
        return Seeds.idx(new int[] {2, 3, 2}, Seeds.counting(12, 120));
    }

    static byte[] labels() {
        return Seeds.idx(new int[] {2}, new byte[] {7, 3});
    }

    static Stream<Arguments> files() {
        return Stream.of(images(), labels(), Seeds.gzip(images()), Seeds.gzip(labels()),
                        Seeds.idx(new int[] {0, 28, 28}, new byte[0]), Seeds.idx(new int[] {1, 1, 1}, new byte[] {(byte) 255}))
                .map(b -> Arguments.of((Object) b));
    }
}
