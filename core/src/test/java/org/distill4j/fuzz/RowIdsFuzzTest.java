package org.distill4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.distill4j.data.RowIds;
import org.distill4j.io.Npy;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link RowIds#read} on arbitrary bytes, for a small and a larger transfer set: text ids, npy dtypes and shapes, range, repeats. */
@Timeout(60)
class RowIdsFuzzTest {
    @MethodSource("files")
    @FuzzTest(maxDuration = "30s")
    void file(byte[] bytes) throws Exception {
        ReaderContract.check(bytes, ".ids", f -> RowIds.read(f, 10));
        ReaderContract.check(bytes, ".ids", f -> RowIds.read(f, 100_000));
    }

    static Stream<Arguments> files() {
        return Stream.of(
                "4\n 0\n\n2\n".getBytes(StandardCharsets.UTF_8),
                "1\n2\n1\n".getBytes(StandardCharsets.UTF_8),
                "99999\n12345678901\n-1\n".getBytes(StandardCharsets.UTF_8),
                Seeds.npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0}),
                Seeds.npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 1), }", new byte[8]),
                Seeds.written(f -> Npy.write(f, new int[] {2}, new float[] {1, 2}))
        ).map(b -> Arguments.of((Object) b));
    }
}
