package org.distill4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the CPU backend reads the machine it runs on and picks its gemm's blocking from it. */
class MachineChoiceTest {

    @Test
    void x86RegistersFollowTheAvxLevelTheJvmUses() {
        VectorMachine avx512 = VectorMachine.x86("amd64", OptionalInt.of(3), OptionalInt.of(64), 16);
        assertEquals("AVX-512", avx512.isa());
        assertEquals(32, avx512.registers());
        VectorMachine avx2 = VectorMachine.x86("amd64", OptionalInt.of(2), OptionalInt.of(32), 8);
        assertEquals("AVX2", avx2.isa());
        assertEquals(16, avx2.registers());
        // AVX-512's 32 registers stay usable when vectors are capped at 128 bits
        VectorMachine narrow = VectorMachine.x86("amd64", OptionalInt.of(3), OptionalInt.of(16), 4);
        assertEquals("AVX-512 (MaxVectorSize=16)", narrow.isa());
        assertEquals(32, narrow.registers());
        // a JVM without the flags: the lane count decides
        assertEquals(16, VectorMachine.x86("amd64", OptionalInt.empty(), OptionalInt.empty(), 8).registers());
    }

    @Test
    void thisJvmIsDescribedByItsOwnLaneCount() {
        VectorMachine here = VectorMachine.detect(VectorSupport.lanes());
        assertEquals(VectorSupport.lanes(), here.lanes());
        assertTrue(here.registers() == 16 || here.registers() == 32, here.describe());
        System.out.println("this JVM: " + here.describe() + "; " + CacheSizes.detect().describe());
    }

    @Test
    void theTileIsTheLargestWhoseRegistersFit() {
        assertEquals(MicroTile.ROWS8_VECTORS3, MicroTile.forRegisters(32));
        assertEquals(MicroTile.ROWS5_VECTORS2, MicroTile.forRegisters(16));
        for (MicroTile t : MicroTile.values()) {
            int needed = t.rows * t.vectors + t.vectors + 1;
            int registers = t == MicroTile.ROWS8_VECTORS3 ? 32 : 16;
            assertTrue(needed <= registers, t + " needs " + needed);
        }
    }

    @Test
    void theTileOptionNamesItsChoicesWhenWrong() {
        assertEquals(MicroTile.ROWS5_VECTORS2, MicroTile.parse(" 5X2 "));
        assertEquals(MicroTile.ROWS8_VECTORS3, MicroTile.parse("8x3"));
        assertNull(MicroTile.parse("auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MicroTile.parse("4x4"));
        assertEquals("option distill4j.cpu.tile must be auto, 8x3 or 5x2, found '4x4'", e.getMessage());
    }

    @Test
    void cacheSizesComeFromSysfsAndDefaultWhereItIsMissing(@TempDir Path dir) throws IOException {
        write(dir.resolve("index0"), "1", "Data", "48K");
        write(dir.resolve("index1"), "1", "Instruction", "32K");
        write(dir.resolve("index2"), "2", "Unified", "2M");
        CacheSizes read = CacheSizes.read(dir);
        assertEquals(new CacheSizes(48 << 10, 2 << 20, true), read);
        assertEquals(CacheSizes.DEFAULT, CacheSizes.read(dir.resolve("absent")));
        write(dir.resolve("garbled/index0"), "1", "Data", "lots");
        assertEquals(CacheSizes.DEFAULT, CacheSizes.read(dir.resolve("garbled")));
    }

    @Test
    void bBlocksFillThreeQuartersOfL2InWholePanels() {
        CacheSizes oneMiB = new CacheSizes(32 << 10, 1 << 20, true);
        assertEquals(768, Blocking.of(MicroTile.ROWS8_VECTORS3, 16, oneMiB).nc());
        assertEquals(768, Blocking.of(MicroTile.ROWS5_VECTORS2, 8, oneMiB).nc());
        assertEquals(80, Blocking.of(MicroTile.ROWS5_VECTORS2, 8, oneMiB).mc());
        CacheSizes tiny = new CacheSizes(16 << 10, 64 << 10, true);
        assertEquals(2 * 48, Blocking.of(MicroTile.ROWS8_VECTORS3, 16, tiny).nc());
    }

    private static void write(Path index, String level, String type, String size) throws IOException {
        Files.createDirectories(index);
        Files.writeString(index.resolve("level"), level + "\n");
        Files.writeString(index.resolve("type"), type + "\n");
        Files.writeString(index.resolve("size"), size + "\n");
    }
}
