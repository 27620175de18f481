package org.distill4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    private static final float[] SIX = {1, -2, 3.5f, 0, 1e-40f, -7e30f};

    /** A file with the given version, header text (padding added) and data bytes. */
    private Path npy(int major, String dict, byte[] data) throws IOException {
        byte[] header = (dict + "    \n").getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return npy(major, header.length, header, data);
    }

    private Path npy(int major, long headerLength, byte[] header, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) headerLength);
        } else {
            b.putInt((int) headerLength);
        }
        b.put(header).put(data);
        Path file = dir.resolve("a.npy");
        Files.write(file, Arrays.copyOf(b.array(), b.position()));
        return file;
    }

    private static byte[] bytes(ByteOrder order, int width, double... values) {
        ByteBuffer b = ByteBuffer.allocate(width * values.length).order(order);
        for (double v : values) {
            switch (width) {
                case 1 -> b.put((byte) v);
                case 4 -> b.putFloat((float) v);
                default -> b.putDouble(v);
            }
        }
        return b.array();
    }

    private static byte[] longs(ByteOrder order, long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(order);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    private static String f4(String shape) {
        return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    private String rejected(Path file) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> Npy.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected '" + part + "' in: " + message);
        }
    }

    // ---- round trips and layout ----

    @Test
    void roundTripOfAMatrix() throws IOException {
        Path file = dir.resolve("logits.npy");
        Npy.write(file, 2, 3, SIX);
        NpyArray a = Npy.read(file);
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertEquals(2, a.rows());
        assertEquals(3, a.cols());
        assertEquals("<f4", a.descr());
        assertArrayEquals(SIX, a.data());
    }

    @Test
    void roundTripOfOtherRanksAndEmptyArrays() throws IOException {
        Path file = dir.resolve("v.npy");
        Npy.write(file, new int[] {6}, SIX);
        assertArrayEquals(SIX, Npy.read(file).requireShape(6).data());
        Npy.write(file, new int[] {1, 2, 3, 1}, SIX);
        assertEquals(6, Npy.read(file).requireShape(1, 2, 3, 1).cols());
        Npy.write(file, new int[] {0, 10}, new float[0]);
        assertEquals(0, Npy.read(file).requireShape(0, 10).data().length);
    }

    @Test
    void writtenHeaderIsNumpyStyleAndDataIsAlignedTo64Bytes() throws IOException {
        Path file = dir.resolve("logits.npy");
        Npy.write(file, 2, 3, SIX);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(128 + 24, bytes.length, "numpy's own header for this shape also takes 128 bytes");
        assertEquals(1, bytes[6]);
        assertEquals(0, bytes[7]);
        int headerLength = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
        assertEquals(128, 10 + headerLength);
        String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header);
        assertTrue(header.endsWith(" \n"));
        assertEquals(3.5f, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getFloat(128 + 8));
        assertTrue(new String(Npy.prefix(new int[] {5}), StandardCharsets.ISO_8859_1).contains("'shape': (5,), }"));
    }

    // ---- other element types and layouts ----

    @Test
    void doublesAreConvertedToFloat() throws IOException {
        Path file = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
                bytes(ByteOrder.LITTLE_ENDIAN, 8, 0.1, -2, 1e300, 4));
        NpyArray a = Npy.read(file);
        assertEquals("<f8", a.descr());
        assertArrayEquals(new float[] {0.1f, -2, Float.POSITIVE_INFINITY, 4}, a.data());
    }

    @Test
    void bigEndianBytesAndIntegers() throws IOException {
        assertArrayEquals(new float[] {1.5f, -3}, Npy.read(npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
                bytes(ByteOrder.BIG_ENDIAN, 4, 1.5, -3))).data());
        assertArrayEquals(new float[] {0, 255, 7}, Npy.read(npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }",
                new byte[] {0, (byte) 255, 7})).data());
        assertArrayEquals(new float[] {9, -1, 16_777_216}, Npy.read(npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
                longs(ByteOrder.LITTLE_ENDIAN, 9, -1, 1 << 24))).data());
    }

    @Test
    void integersThatFloatCannotHoldExactlyAreRejected() throws IOException {
        Path file = npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
                longs(ByteOrder.LITTLE_ENDIAN, 1, (1 << 24) + 1));
        assertContains(rejected(file), "integer 16777217 at element 1 cannot be represented exactly as float");
    }

    @Test
    void fortranOrderIsReorderedToRowMajor() throws IOException {
        // [[1, 2, 3], [4, 5, 6]] stored column by column
        Path file = npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
                bytes(ByteOrder.LITTLE_ENDIAN, 4, 1, 4, 2, 5, 3, 6));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, Npy.read(file).data());
        // a[i][j][k] = 100 i + 10 j + k with shape (2, 2, 3), first index fastest in the file
        double[] fortran = new double[12];
        int n = 0;
        for (int k = 0; k < 3; k++) {
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < 2; i++) {
                    fortran[n++] = 100 * i + 10 * j + k;
                }
            }
        }
        file = npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2, 3), }", bytes(ByteOrder.LITTLE_ENDIAN, 4, fortran));
        assertArrayEquals(new float[] {0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112}, Npy.read(file).data());
    }

    @Test
    void versions2And3AndPythonLiteralVariants() throws IOException {
        byte[] data = bytes(ByteOrder.LITTLE_ENDIAN, 4, 1, 2);
        assertArrayEquals(new float[] {1, 2}, Npy.read(npy(2, f4("(1, 2)"), data)).data());
        assertArrayEquals(new float[] {1, 2}, Npy.read(npy(3, f4("(2,)"), data)).data());
        assertArrayEquals(new int[] {2, 1}, Npy.read(npy(1, "{\"shape\":(2L,1L),\"descr\":\"<f4\",\"fortran_order\":False}", data)).shape());
    }

    // ---- bad prefix ----

    @Test
    void wrongMagic() throws IOException {
        Path file = dir.resolve("a.npy");
        Files.write(file, "PK\u0003\u0004 this is a zip file".getBytes(StandardCharsets.ISO_8859_1));
        assertContains(rejected(file), "magic 50 4B 03 04 20 74, expected 93 4E 55 4D 50 59");
    }

    @Test
    void unknownVersion() throws IOException {
        assertContains(rejected(npy(4, f4("(1,)"), new byte[4])), "format version 4.0, expected 1.0, 2.0 or 3.0");
    }

    @Test
    void truncatedBeforeTheHeader() throws IOException {
        Path file = dir.resolve("a.npy");
        Files.write(file, new byte[] {(byte) 0x93, 'N', 'U', 'M'});
        assertContains(rejected(file), "file is 4 bytes, too short");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        byte[] header = (f4("(1,)") + "\n").getBytes(StandardCharsets.ISO_8859_1);
        assertContains(rejected(npy(1, 60_000, header, new byte[4])), "header length 60000 runs past the end of the file");
        assertContains(rejected(npy(2, 0xFFFFFFF0L, header, new byte[4])), "header length 4294967280 exceeds the limit");
    }

    // ---- bad header dict ----

    @Test
    void malformedDicts() throws IOException {
        assertContains(rejected(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", new byte[4])),
                "header ends early at character 59");
        assertContains(rejected(npy(1, "{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}", new byte[4])), "header");
        assertContains(rejected(npy(1, f4("(1,)") + " junk", new byte[4])), "unexpected 'j'");
        assertContains(rejected(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", new byte[4])),
                "unexpected key 'extra'");
        assertContains(rejected(npy(1, "{'descr': '<f4', 'shape': (1,)}", new byte[4])), "lacks the key 'fortran_order'");
        assertContains(rejected(npy(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", new byte[4])),
                "key 'descr' appears twice");
    }

    @Test
    void executableOrPickledContentIsNeverEvaluated() throws IOException {
        assertContains(rejected(npy(1, "{'descr': __import__('os').system('true'), 'fortran_order': False, 'shape': (1,)}", new byte[4])),
                "unsupported value at character 10");
        assertContains(rejected(npy(1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[8])),
                "header 'descr' '|O' (Python objects, which would need unpickling), expected '<f4'");
        assertContains(rejected(npy(1, "{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4])),
                "unsupported value");
    }

    @Test
    void unsupportedDtype() throws IOException {
        assertContains(rejected(npy(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", new byte[4])),
                "header 'descr' '<f2', expected '<f4'");
    }

    @Test
    void badShapes() throws IOException {
        assertContains(rejected(npy(1, f4("(-1, 3)"), new byte[0])), "expected a non-negative integer at character");
        assertContains(rejected(npy(1, f4("(3)"), new byte[12])), "header 'shape' 3, expected a tuple of integers");
        assertContains(rejected(npy(1, f4("()"), new byte[4])), "header 'shape' (), expected 1 to 4 dimensions");
        assertContains(rejected(npy(1, f4("(1, 1, 1, 1, 1)"), new byte[4])), "expected 1 to 4 dimensions");
        assertContains(rejected(npy(1, f4("(100000, 100000)"), new byte[4])), "has more than 2^31 elements");
        assertContains(rejected(npy(1, "{'descr': '<f4', 'fortran_order': 'no', 'shape': (1,), }", new byte[4])),
                "header 'fortran_order' 'no', expected True or False");
    }

    // ---- data length ----

    @Test
    void truncatedData() throws IOException {
        Path file = dir.resolve("logits.npy");
        Npy.write(file, 2, 3, SIX);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));
        assertContains(rejected(file), "data length 23 bytes, expected 24 (shape (2, 3) of '<f4'; file truncated?)");
    }

    @Test
    void trailingBytesAfterTheData() throws IOException {
        assertContains(rejected(npy(1, f4("(1,)"), new byte[8])), "data length 8 bytes, expected 4 (shape (1,) of '<f4')");
    }

    // ---- values ----

    @Test
    void nanLogitsAreReturnedAndRequireFiniteNamesTheFirst() throws IOException {
        float[] logits = new float[4 * 3];
        logits[2 * 3 + 1] = Float.NaN;
        logits[3 * 3 + 2] = Float.NEGATIVE_INFINITY;
        Path file = dir.resolve("teacher.npy");
        Npy.write(file, 4, 3, logits);
        NpyArray a = Npy.read(file);
        assertTrue(Float.isNaN(a.data()[7]), "the reader returns NaN as stored");
        DataFormatException e = assertThrows(DataFormatException.class, a::requireFinite);
        assertEquals(file + ": value at row 2, column 1 is NaN, expected only finite values (2 of 12 are not finite)", e.getMessage());
    }

    @Test
    void requireShapeNamesBothShapes() throws IOException {
        Path file = dir.resolve("teacher.npy");
        Npy.write(file, 2, 3, SIX);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Npy.read(file).requireShape(2, 10));
        assertEquals(file + ": shape (2, 3), expected (2, 10)", e.getMessage());
    }

    // ---- independent check ----

    @Test
    void weReadWhatNumpySaves() throws IOException {
        PythonNumpy.assumeAvailable();
        String script = """
                import hashlib
                import numpy as np
                a = (np.arange(12, dtype=np.float64).reshape(3, 4) - 5.5) / 3
                np.save('c_f4.npy', a.astype('<f4'))
                np.save('c_f8.npy', a)
                np.save('fortran_f4.npy', np.asfortranarray(a.astype('<f4')))
                np.save('transposed_f4.npy', a.astype('<f4').T)
                np.save('vector_u1.npy', np.array([0, 9, 255], dtype=np.uint8))
                np.save('labels_i8.npy', np.array([3, 1, 4, 1, 5], dtype=np.int64))
                np.save('big_f4.npy', np.linspace(-1, 1, 300000, dtype=np.float32).reshape(1000, 300))
                for name in ['c_f4', 'c_f8', 'fortran_f4', 'transposed_f4', 'vector_u1', 'labels_i8']:
                    x = np.load(name + '.npy')
                    print(name, tuple(x.shape), ' '.join(repr(float(v)) for v in x.astype(np.float32).ravel()))
                print(hashlib.sha256(np.load('big_f4.npy').astype('<f4').tobytes()).hexdigest())
                """;
        String[] lines = PythonNumpy.run(dir, script).strip().split("\\R");
        assertEquals(7, lines.length);
        for (String line : Arrays.copyOf(lines, 6)) {
            String name = line.substring(0, line.indexOf(' '));
            NpyArray a = Npy.read(dir.resolve(name + ".npy"));
            SafetensorsTest.assertPythonLine(name + " " + Npy.shapeString(a.shape()), a.data(), line);
        }
        NpyArray big = Npy.read(dir.resolve("big_f4.npy")).requireShape(1000, 300);
        assertEquals(lines[6], sha256OfLittleEndian(big.data()), "an array larger than one read chunk");
    }

    private static String sha256OfLittleEndian(float[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void numpyReadsWhatWeWrite() throws IOException {
        PythonNumpy.assumeAvailable();
        Path file = dir.resolve("ours.npy");
        Npy.write(file, 2, 3, SIX);
        String script = """
                import sys
                import numpy as np
                with open(sys.argv[1], 'rb') as f:
                    assert np.lib.format.read_magic(f) == (1, 0)
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
                    assert f.tell() % 64 == 0, f.tell()
                x = np.load(sys.argv[1], allow_pickle=False)
                assert x.dtype == np.dtype('<f4') and not fortran
                print('ours', tuple(x.shape), ' '.join(repr(float(v)) for v in x.ravel()))
                """;
        SafetensorsTest.assertPythonLine("ours (2, 3)", SIX, PythonNumpy.run(dir, script, file.toString()).strip());
    }
}
