package org.distill4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.util.stream.Stream;
import org.distill4j.nn.ArchitectureSpec;
import org.distill4j.nn.Sequential;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ArchitectureSpec#parse} of any string: it returns a spec or throws {@link IllegalArgumentException}, nothing
 * else. A spec it returns builds (when small enough to allocate), without leaving tensors open, into a model whose
 * input and class counts are the spec's and whose parameter count is the one the spec predicted.
 */
@Timeout(60)
class ArchitectureSpecFuzzTest {
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "20s")
    void parse(@NotNull String text) {
        ArchitectureSpec spec;
        try {
            spec = ArchitectureSpec.parse(text);
        } catch (IllegalArgumentException expected) {
            return;
        }
        if (spec.parameterCount() > 200_000 || (long) spec.inputShape().size() > 100_000) {
            return;
        }
        try (StorageBackend backend = new StorageBackend()) {
            try (Sequential model = spec.build(backend, 1)) {
                assertEquals(spec.inputShape(), model.inputShape());
                assertEquals(spec.classes(), model.outputSize());
                assertEquals(spec.parameterCount(), model.parameterCount());
            }
            assertEquals(0, backend.liveTensors(), "tensors left open");
        }
    }

    static Stream<Arguments> seeds() {
        return Stream.of("1x28x28-c32k3-bn-relu-p2-c64k3-bn-relu-p2-fc128-10", "784-800-800-10",
                        "3x9x7-c4k3s2p0-relu-r(c4k3-bn-relu-c4k3-bn)-relu-a2s1-d0.25-gap-fc5", "1x8x8-r(c1k3-10")
                .map(s -> Arguments.of((Object) s));
    }
}
