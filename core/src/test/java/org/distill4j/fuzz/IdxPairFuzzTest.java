package org.distill4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.InRange;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.util.stream.Stream;
import org.distill4j.data.IdxReader;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link IdxReader#read} of an images and a labels file together: counts that disagree, image sizes, label ranges. */
@Timeout(60)
class IdxPairFuzzTest {
    @MethodSource("pairs")
    @FuzzTest(maxDuration = "30s")
    void pair(byte @NotNull [] images, byte @NotNull [] labels, @InRange(min = 1, max = 300) int classes) throws Exception {
        ReaderContract.checkPair(images, labels, ".idx", (a, b) -> IdxReader.read(a, b, classes));
    }

    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of(IdxFileFuzzTest.images(), IdxFileFuzzTest.labels(), 10),
                Arguments.of(Seeds.gzip(IdxFileFuzzTest.images()), IdxFileFuzzTest.labels(), 10),
                Arguments.of(IdxFileFuzzTest.images(), Seeds.idx(new int[] {3}, new byte[] {0, 1, 2}), 3));
    }
}
