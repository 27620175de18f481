package org.distill4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.util.Arrays;
import java.util.stream.Stream;
import org.distill4j.data.IdxReader;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link IdxReader} on gzip files: IDX content (well-formed or not) compressed, then cut short or with one byte
 * corrupted, so the fuzzer reaches the decompressing path's length checks rather than stopping at a bad CRC.
 */
@Timeout(60)
class IdxGzipFuzzTest {
    /**
     * {@code content} compressed, cut to {@code keep} bytes if that is shorter (and not negative), with the byte at
     * {@code flip} inverted if inside. (Plain ints: Jazzer 0.30's mutator fails on {@code @InRange} ints here.)
     */
    @MethodSource("contents")
    @FuzzTest(maxDuration = "30s")
    void gzip(byte @NotNull [] content, int keep, int flip) throws Exception {
        byte[] compressed = Seeds.gzip(content);
        if (keep >= 0 && keep < compressed.length) {
            compressed = Arrays.copyOf(compressed, keep);
        }
        if (flip >= 0 && flip < compressed.length) {
            compressed[flip] ^= (byte) 0xFF;
        }
        ReaderContract.check(compressed, ".gz", IdxReader::readImages);
        ReaderContract.check(compressed, ".gz", f -> IdxReader.readLabels(f, 10));
    }

    static Stream<Arguments> contents() {
        return Stream.of(
                Arguments.of(IdxFileFuzzTest.images(), -1, -1),
                Arguments.of(IdxFileFuzzTest.labels(), 10, -1),
                Arguments.of(IdxFileFuzzTest.images(), -1, 12),
                Arguments.of(Seeds.idx(new int[] {3, 100, 100}, new byte[1000]), -1, -1));
    }
}
