package org.distill4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.distill4j.fuzz.StorageBackend;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The architecture-string grammar: what each item builds, the shapes between them, and the errors. */
class ArchitectureSpecTest {
    private static List<String> types(Sequential model) {
        return model.layers().stream().map(Layer::type).toList();
    }

    @Test
    @DisplayName("the README's example builds conv, batch norm, ReLU and pooling layers, with shapes halving at each pool")
    void readmeExample() {
        ArchitectureSpec spec = ArchitectureSpec.parse("1x28x28-c32k3-bn-relu-p2-c64k3-bn-relu-p2-fc128-10");
        try (StorageBackend backend = new StorageBackend(); Sequential model = spec.build(backend, 1)) {
            assertEquals(List.of("conv2d", "batchnorm", "relu", "maxpool2d", "conv2d", "batchnorm", "relu", "maxpool2d",
                    "linear", "relu", "linear"), types(model));
            assertEquals(new Shape(32, 28, 28), model.outputShape(0), "k3 pads by 1 by default: same size");
            assertEquals(new Shape(32, 14, 14), model.outputShape(3));
            assertEquals(new Shape(64, 7, 7), model.outputShape(7));
            assertEquals(10, model.outputSize());
            assertEquals(784, model.inputSize());
            assertEquals(spec.parameterCount(), model.parameterCount());
            assertArrayEquals(new int[] {32 * 28 * 28, 64 * 14 * 14, 128}, spec.hiddenWidths());
            assertEquals(model.hiddenWidth(3), spec.hiddenWidths()[2]);
        }
        assertEquals(28L * 28 * 32 * 9 + 14L * 14 * 64 * 32 * 9 + 64L * 7 * 7 * 128 + 128 * 10, spec.multiplyAdds());
    }

    @Test
    @DisplayName("an MLP written as widths builds the same layers and weights as MlpSpec")
    void widthsAreTheUsualMlp() {
        try (StorageBackend backend = new StorageBackend();
             Sequential a = ArchitectureSpec.parse("784-30-20-10").build(backend, 7);
             Sequential b = MlpSpec.parse("784-30-20-10").build(backend, 7)) {
            assertEquals(types(b), types(a));
            assertEquals(b.architecture(), a.architecture());
            for (int i = 0; i < a.parameters().size(); i++) {
                assertArrayEquals(b.parameters().get(i).value().toArray(), a.parameters().get(i).value().toArray());
            }
        }
        assertInstanceOf(MlpSpec.class, ModelSpec.parse("784-800-800-10"));
        assertInstanceOf(ArchitectureSpec.class, ModelSpec.parse("1x28x28-c8k3-relu-10"));
    }

    @Test
    @DisplayName("stride, padding, average and global pooling, dropout and a residual block")
    void everyItem() {
        ArchitectureSpec spec = ArchitectureSpec.parse("3x9x7-c4k3s2p0-relu-r(c4k3-bn-relu-c4k3-bn)-relu-a2s1-d0.25-gap-fc5");
        try (StorageBackend backend = new StorageBackend(); Sequential model = spec.build(backend, 3)) {
            assertEquals(List.of("conv2d", "relu", "residual", "relu", "avgpool2d", "dropout", "globalavgpool", "linear"),
                    types(model));
            assertEquals(new Shape(4, 4, 3), model.outputShape(0));
            assertEquals(new Shape(4, 3, 2), model.outputShape(4));
            assertEquals(Shape.flat(4), model.outputShape(6));
            Residual block = (Residual) model.layers().get(2);
            assertEquals(List.of("conv2d", "batchnorm", "relu", "conv2d", "batchnorm"), block.body().stream().map(Layer::type).toList());
            assertEquals("layers.2.body.0.weight", block.parameters().get(0).name());
            assertEquals("layers.2.body.1.runningMean", block.buffers().get(0).name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("bad strings are refused naming the item and what was expected")
    @CsvSource(delimiter = '|', textBlock = """
            1x28x28-c32k3-relu-c32q-10      | unknown layer 'c32q'
            1x28x28                         | needs an input and at least one layer
            28x28-c8k3-10                   | the input must be CxHxW
            1x28x28-c8k3-relu-p2            | must end with a fully connected layer
            1x4x4-c8k5p0-10                 | does not fit
            1x4x4-p8-10                     | does not fit
            1x8x8-r(c4k3)-10                | must keep its input's shape
            1x8x8-r(c1k3-10                 | unbalanced parentheses
            1x8x8-r()-10                    | empty residual block
            784-800--10                     | empty item
            784-fc100-relu-10               | a ReLU already follows every fully connected layer
            1x8x8-c0k3-10                   | out of range
            1x8x8-d1.5-10                   | unknown layer 'd1.5'
            """)
    void badStrings(String spec, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArchitectureSpec.parse(spec));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }
}
