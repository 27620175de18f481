package org.distill4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.distill4j.data.LabelFile;
import org.distill4j.io.Npy;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link LabelFile#read} on arbitrary bytes: the choice of format by content, text lines, npy shapes and values, IDX labels. */
@Timeout(60)
class LabelFileFuzzTest {
    @MethodSource("files")
    @FuzzTest(maxDuration = "30s")
    void file(byte[] bytes) throws Exception {
        ReaderContract.check(bytes, ".labels", LabelFile::read);
    }

    static Stream<Arguments> files() {
        return Stream.of(
                "cat\n dog \n\nbird\n".getBytes(StandardCharsets.UTF_8),
                "\uFEFF0\r\n1\r\n2".getBytes(StandardCharsets.UTF_8),
                Seeds.written(f -> Npy.write(f, new int[] {3}, new float[] {1, 0, 2})),
                Seeds.written(f -> Npy.write(f, new int[] {2, 1}, new float[] {1.5f, 0})),
                Seeds.npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", new byte[16]),
                Seeds.npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", new byte[4]),
                Seeds.idx(new int[] {3}, new byte[] {0, 1, 9}),
                Seeds.gzip(Seeds.idx(new int[] {2}, new byte[] {4, 5})),
                Seeds.idx(new int[] {1, 1, 1}, new byte[1])
        ).map(b -> Arguments.of((Object) b));
    }
}
