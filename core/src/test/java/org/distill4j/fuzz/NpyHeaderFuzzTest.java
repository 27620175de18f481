package org.distill4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.InRange;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.util.stream.Stream;
import org.distill4j.io.Npy;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Npy#read} of files whose magic, version and header length are right, so the fuzzer spends its time in
 * the header dict parser (strings, booleans, tuples, integers) and the shape and dtype checks.
 */
@Timeout(60)
class NpyHeaderFuzzTest {
    @MethodSource("headers")
    @FuzzTest(maxDuration = "30s")
    void header(@InRange(min = 1, max = 3) int version, @NotNull String dict, byte @NotNull [] data) throws Exception {
        ReaderContract.check(Seeds.npy(version, dict, data), ".npy", Npy::read);
    }

    static Stream<Arguments> headers() {
        return Stream.of(
                Arguments.of(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", new byte[24]),
                Arguments.of(2, "{\"descr\": \">i4\", \"fortran_order\": True, \"shape\": (1, 2, 1)}", new byte[8]),
                Arguments.of(3, "{'descr': '<f8', 'fortran_order': False, 'shape': (1L,), }", new byte[8]),
                Arguments.of(1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[8]));
    }
}
