package org.distill4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.util.stream.Stream;
import org.distill4j.io.Safetensors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Safetensors#read} of files whose length prefix matches their JSON header, so the fuzzer works on the
 * JSON (syntax, duplicate keys, metadata, unknown fields, numbers) and the layout (offsets out of range,
 * overlapping, with gaps; shapes that overflow; dtypes).
 */
@Timeout(60)
class SafetensorsHeaderFuzzTest {
    @MethodSource("headers")
    @FuzzTest(maxDuration = "30s")
    void header(@NotNull String json, byte @NotNull [] data) throws Exception {
        ReaderContract.check(Seeds.safetensors(json, data), ".safetensors", Safetensors::read);
    }

    static Stream<Arguments> headers() {
        return Stream.of(
                Arguments.of("{\"__metadata__\":{\"k\":\"v\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]}}",
                        Seeds.floats(1, 2)),
                Arguments.of("{\"x\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]},\"y\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[8,10]}}",
                        new byte[10]),
                Arguments.of("{\"__metadata__\":null}", new byte[0]));
    }
}
