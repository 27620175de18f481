package org.distill4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packed gemm's parts at this JVM's lane count, whatever it is: every micro-kernel and every
 * in-register transpose gives the bits of its plain loop, and the packed product's bits do not
 * depend on the micro-tile or the B block width.
 */
class GemmBlockingTest {

    @BeforeAll
    static void needsTheVectorApi() {
        assumeTrue(VectorSupport.usable(), () -> "skipped: " + VectorSupport.problem());
    }

    @ParameterizedTest
    @EnumSource(MicroTile.class)
    void eachMicroKernelGivesTheBitsOfThePlainLoop(MicroTile tile) {
        int mr = tile.rows;
        int nr = tile.vectors * Gemm.L;
        for (int kc : new int[] {1, 7, 64, Blocking.KC}) {
            int bStride = nr + 5;
            float[] b = Reference.random(31, kc * bStride + 3);
            float[] expected = new float[mr * nr];
            float[] actual = new float[mr * nr];
            // (p, r) order: A(r, p) at p * mr + r
            float[] pr = Reference.random(32, kc * mr + 2);
            MicroKernels.reference(mr, nr, kc, pr, 2, 1, mr, b, 3, bStride, expected);
            MicroKernels.multiply(tile, true, kc, pr, 2, b, 3, bStride, actual);
            assertArrayEquals(expected, actual, tile + " (p, r) kc=" + kc);
            // (r, p) order: A(r, p) at r * KC + p
            float[] rp = Reference.random(33, mr * Blocking.KC + 1);
            MicroKernels.reference(mr, nr, kc, rp, 1, Blocking.KC, 1, b, 3, bStride, expected);
            MicroKernels.multiply(tile, false, kc, rp, 1, b, 3, bStride, actual);
            assertArrayEquals(expected, actual, tile + " (r, p) kc=" + kc);
        }
    }

    @Test
    void theInRegisterTransposeMovesEveryElementOfItsBlock() {
        int lanes = Transposes.L;
        assumeTrue(Transposes.available(), () -> "skipped: no in-register transpose for " + lanes + " lanes");
        int ld = lanes + 3;
        int stride = 3 * lanes + 1;
        float[] b = Reference.random(34, lanes * ld + 2);
        float[] expected = new float[lanes * stride + 5];
        float[] actual = new float[lanes * stride + 5];
        Transposes.reference(lanes, b, 2, ld, expected, 5, stride);
        Transposes.transpose(b, 2, ld, actual, 5, stride);
        assertArrayEquals(expected, actual);
    }

    /** {m, n, k}: ragged and exact tiles of either shape, several K, M and N blocks. */
    static List<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        for (int[] s : new int[][] {{5, 7, 3}, {24, 48, 256}, {37, 101, 300}, {130, 1000, 70}, {200, 1600, 520}}) {
            for (int t = 0; t < 4; t++) {
                out.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
    @MethodSource("shapes")
    void thePackedProductHasTheSameBitsForEveryTileAndBlockWidth(int m, int n, int k, boolean transA,
                                                                boolean transB) {
        float[] a = Reference.random(35, m * k);
        float[] b = Reference.random(36, k * n);
        float[] c = Reference.random(37, m * n);
        float[] first = null;
        for (MicroTile tile : MicroTile.values()) {
            int nr = tile.vectors * Gemm.L;
            for (Blocking blocking : new Blocking[] {
                    Blocking.of(tile, Gemm.L, CacheSizes.detect()),
                    new Blocking(tile, Gemm.L, 2 * tile.rows, 2 * nr)}) {
                float[] out = c.clone();
                float[] aPack = new float[blocking.mc() * Blocking.KC];
                float[] bPack = new float[Blocking.KC * blocking.nc()];
                float[] tileBuf = new float[blocking.mr() * blocking.nr()];
                PackedProduct.compute(blocking, transA, transB, m, n, k, 0.7f, a, b, 0.3f, out, 0, m, 0, n,
                        aPack, bPack, tileBuf);
                if (first == null) {
                    first = out;
                } else {
                    assertArrayEquals(first, out, blocking.describe());
                }
            }
        }
    }
}
