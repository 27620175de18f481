package org.distill4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.stream.Stream;
import org.distill4j.io.Npy;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Npy#read} on arbitrary bytes: magic, version, header length, header, dtypes, shapes, Fortran order, data length. */
@Timeout(60)
class NpyFileFuzzTest {
    @MethodSource("files")
    @FuzzTest(maxDuration = "30s")
    void file(byte[] bytes) throws Exception {
        ReaderContract.check(bytes, ".npy", Npy::read);
    }

    static Stream<Arguments> files() {
        return Stream.of(
                Seeds.written(f -> Npy.write(f, 2, 3, new float[] {1, 2, 3, 4, 5, 6})),
                Seeds.written(f -> Npy.write(f, new int[] {3}, new float[] {1, -2, 3.5f})),
                Seeds.written(f -> Npy.write(f, new int[] {2, 1, 2, 1}, new float[] {1, 2, 3, 4})),
                Seeds.written(f -> Npy.write(f, new int[] {0, 3}, new float[0])),
                Seeds.npy(1, "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 2), }", new byte[32]),
                Seeds.npy(2, "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", Seeds.counting(4, 250)),
                Seeds.npy(3, "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }", new byte[8]),
                Seeds.npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (), }", new byte[4])
        ).map(b -> Arguments.of((Object) b));
    }
}
