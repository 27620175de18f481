package org.distill4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.distill4j.io.NamedTensor;
import org.distill4j.io.Safetensors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Safetensors#read} on arbitrary bytes: the header length (huge, past the end, too small), the JSON
 * header, dtypes, shapes, data offsets and the data buffer.
 */
@Timeout(60)
class SafetensorsFileFuzzTest {
    @MethodSource("files")
    @FuzzTest(maxDuration = "30s")
    void file(byte[] bytes) throws Exception {
        ReaderContract.check(bytes, ".safetensors", Safetensors::read);
    }

    static Stream<Arguments> files() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "test");
        metadata.put("note", "ünïcode");
        return Stream.of(
                Seeds.written(f -> Safetensors.write(f, metadata, List.of(
                        new NamedTensor("a", new int[] {2, 2}, new float[] {1, 2, 3, 4}),
                        new NamedTensor("b", new int[] {3}, new float[] {-1, 0, 1})))),
                Seeds.written(f -> Safetensors.write(f, List.of(new NamedTensor("scalar", new int[0], new float[] {5})))),
                Seeds.written(f -> Safetensors.write(f, List.of(new NamedTensor("empty", new int[] {0, 4}, new float[0])))),
                Seeds.safetensors("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]},"
                        + "\"d\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[6,14]}}", new byte[14])
        ).map(b -> Arguments.of((Object) b));
    }
}
