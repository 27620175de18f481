package org.distill4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static final NamedTensor WEIGHT = new NamedTensor("fc1.weight", new int[] {2, 3}, new float[] {1, -2, 3.5f, 0, -0f, 1e-40f});
    private static final NamedTensor BIAS = new NamedTensor("fc1.bias", new int[] {3}, new float[] {Float.NaN, Float.POSITIVE_INFINITY, -7});

    /** A file with a hand-written header and buffer, its length field taken from the header. */
    private Path raw(String json, byte[] buffer) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return raw(header.length, header, buffer);
    }

    private Path raw(long headerLength, byte[] header, byte[] buffer) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + buffer.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(header).put(buffer);
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, b.array());
        return file;
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private String rejected(Path file) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> Safetensors.read(file));
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected '" + part + "' in: " + message);
        }
    }

    // ---- round trips and layout ----

    @Test
    void roundTripKeepsNamesShapesValuesOrderAndMetadata() throws IOException {
        NamedTensor scalar = new NamedTensor("temperature", new int[0], new float[] {4});
        NamedTensor empty = new NamedTensor("empty", new int[] {0, 5}, new float[0]);
        Path file = dir.resolve("m.safetensors");
        Map<String, String> metadata = Map.of("format", "distill4j", "note", "ünïcode \"quoted\"");
        Safetensors.write(file, metadata, List.of(WEIGHT, BIAS, scalar, empty));

        SafetensorsFile read = Safetensors.read(file);
        assertEquals(metadata, read.metadata());
        assertEquals(List.of("fc1.weight", "fc1.bias", "temperature", "empty"), List.copyOf(read.tensors().keySet()));
        assertEquals(WEIGHT, read.tensor("fc1.weight"));
        assertEquals(BIAS, read.tensor("fc1.bias", 3));
        assertEquals(scalar, read.tensor("temperature"));
        assertEquals(empty, read.tensor("empty"));
    }

    @Test
    void layoutFollowsTheSpecification() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Safetensors.write(file, Map.of("k", "v"), List.of(WEIGHT, BIAS));
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long n = bytes.getLong(0);
        assertEquals(0, n % 8, "header length is a multiple of 8");
        assertEquals(8 + n + 4 * (6 + 3), bytes.capacity());
        String header = new String(bytes.array(), 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{"));
        assertTrue(header.stripTrailing().endsWith("}"));
        assertTrue(header.substring(header.stripTrailing().length()).chars().allMatch(c -> c == ' '), "padding is spaces");

        JsonObject json = JsonParser.parseString(header).getAsJsonObject();
        assertEquals("v", json.getAsJsonObject("__metadata__").get("k").getAsString());
        JsonObject w = json.getAsJsonObject("fc1.weight");
        assertEquals("F32", w.get("dtype").getAsString());
        assertEquals("[2,3]", w.get("shape").toString());
        assertEquals("[0,24]", w.get("data_offsets").toString());
        assertEquals("[24,36]", json.getAsJsonObject("fc1.bias").get("data_offsets").toString());
        assertEquals(3.5f, bytes.getFloat((int) (8 + n + 8)), "little-endian float32 at its offset");
        assertEquals(-7f, bytes.getFloat((int) (8 + n + 24 + 8)));
    }

    @Test
    void theSameModelAlwaysGivesTheSameBytesWhateverTheMetadataMapsOrder() throws IOException {
        Map<String, String> oneOrder = new LinkedHashMap<>();
        Map<String, String> otherOrder = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            oneOrder.put("key" + i, "value" + i);
            otherOrder.put("key" + (19 - i), "value" + (19 - i));
        }
        Path first = dir.resolve("a.safetensors");
        Path second = dir.resolve("b.safetensors");
        Safetensors.write(first, oneOrder, List.of(WEIGHT, BIAS));
        Safetensors.write(second, otherOrder, List.of(WEIGHT, BIAS));
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    }

    @Test
    void writeIsAtomicAndReplacesOldFiles() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Files.writeString(file, "old");
        Safetensors.write(file, List.of(BIAS));
        assertEquals(BIAS, Safetensors.read(file).tensor("fc1.bias"));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void largeTensorsSpanSeveralChunks() throws IOException {
        float[] data = new float[700_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.5f - 3;
        }
        NamedTensor big = new NamedTensor("big", new int[] {7, 100_000, 1}, data);
        Path file = dir.resolve("big.safetensors");
        Safetensors.write(file, List.of(BIAS, big));
        assertEquals(big, Safetensors.read(file).tensor("big"));
    }

    @Test
    void theWriterRejectsDuplicateOrReservedNames() {
        Path file = dir.resolve("m.safetensors");
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(file, List.of(BIAS, BIAS)));
        NamedTensor reserved = new NamedTensor("__metadata__", new int[] {1}, new float[1]);
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(file, List.of(reserved)));
        assertTrue(Files.notExists(file));
    }

    @Test
    void missingTensorsAndWrongShapesAreNamed() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Safetensors.write(file, List.of(WEIGHT));
        SafetensorsFile read = Safetensors.read(file);
        assertContains(assertThrows(DataFormatException.class, () -> read.tensor("fc2.weight")).getMessage(),
                "no tensor 'fc2.weight'", "fc1.weight");
        assertContains(assertThrows(DataFormatException.class, () -> read.tensor("fc1.weight", 3, 2)).getMessage(),
                "tensor 'fc1.weight' shape [2, 3], expected [3, 2]");
    }

    // ---- other dtypes ----

    @Test
    void f64F16AndBf16AreConvertedToFloat() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putDouble(1.25).putDouble(-3e-3);
        b.putShort(Float.floatToFloat16(0.5f)).putShort(Float.floatToFloat16(-2048f));
        b.putShort((short) (Float.floatToIntBits(3.0f) >>> 16)).putShort((short) (Float.floatToIntBits(-0.15625f) >>> 16));
        Path file = raw("{\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[16,20]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2,1],\"data_offsets\":[20,24]}}", b.array());
        SafetensorsFile read = Safetensors.read(file);
        assertArrayEquals(new float[] {1.25f, (float) -3e-3}, read.tensor("d").data());
        assertArrayEquals(new float[] {0.5f, -2048f}, read.tensor("h").data());
        assertArrayEquals(new float[] {3.0f, -0.15625f}, read.tensor("b", 2, 1).data());
        assertEquals(Map.of(), read.metadata());
    }

    @Test
    void unsupportedDtypeIsRejectedByName() throws IOException {
        Path file = raw("{\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]);
        assertContains(rejected(file), "tensor 'ids' dtype 'I64' is not supported", "expected F32");
    }

    // ---- bad length field ----

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertContains(rejected(file), "file is 3 bytes, too short for the 8-byte header length");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path file = raw(1000, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertContains(rejected(file), "header length 1000 runs past the end of the file (10 bytes");
    }

    @Test
    void hugeHeaderLengthIsRejectedWithoutAllocating() throws IOException {
        assertContains(rejected(raw(1L << 40, "{}".getBytes(StandardCharsets.UTF_8), new byte[0])),
                "header length 1099511627776 exceeds the limit of 100000000 bytes");
        assertContains(rejected(raw(-1L, "{}".getBytes(StandardCharsets.UTF_8), new byte[0])),
                "header length 18446744073709551615 exceeds the limit");
    }

    @Test
    void headerThatIsNotAnObject() throws IOException {
        assertContains(rejected(raw("[1, 2]", new byte[0])), "header starts with byte 0x5B, expected '{'");
        assertContains(rejected(raw(0, new byte[0], new byte[0])), "header length 0, expected at least 2");
    }

    // ---- bad JSON ----

    @Test
    void malformedJson() throws IOException {
        assertContains(rejected(raw("{\"a\": {\"dtype\": ", new byte[0])), "header is not valid JSON");
        assertContains(rejected(raw("{\"__metadata__\": {}} x", new byte[0])), "header is not valid JSON");
        assertContains(rejected(raw("{'a': {}}", new byte[0])), "header is not valid JSON");
    }

    @Test
    void invalidUtf8() throws IOException {
        byte[] header = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        assertContains(rejected(raw(header.length, header, new byte[0])), "header is not valid UTF-8");
    }

    @Test
    void duplicateKeys() throws IOException {
        String t = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertContains(rejected(raw("{\"a\":" + t + ",\"a\":" + t + "}", new byte[8])), "header has the key 'a' twice");
        assertContains(rejected(raw("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4])),
                "tensor 'a' has 'dtype' twice");
    }

    @Test
    void missingUnknownOrMistypedFields() throws IOException {
        assertContains(rejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4])), "tensor 'a' lacks 'data_offsets'");
        assertContains(rejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", new byte[4])),
                "tensor 'a' has an unknown field 'x'");
        assertContains(rejected(raw("{\"a\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4])),
                "tensor 'a' dtype is a JSON NUMBER, expected STRING");
        assertContains(rejected(raw("{\"a\":[1]}", new byte[0])), "tensor 'a' is a JSON BEGIN_ARRAY, expected BEGIN_OBJECT");
        assertContains(rejected(raw("{\"__metadata__\":{\"epochs\":10}}", new byte[0])),
                "__metadata__.epochs is a JSON NUMBER, expected STRING");
        assertContains(rejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", new byte[4])),
                "tensor 'a' data_offsets [0, 4, 8], expected [begin, end]");
    }

    // ---- bad shapes ----

    @Test
    void negativeOrFractionalDimensions() throws IOException {
        assertContains(rejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4])),
                "tensor 'a' shape has '-1', expected a non-negative integer");
        assertContains(rejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", new byte[4])),
                "tensor 'a' shape has '1.5'");
    }

    @Test
    void shapeProductDisagreesWithOffsets() throws IOException {
        assertContains(rejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", new byte[20])),
                "tensor 'a' data_offsets [0, 20] span 20 bytes, expected 24 (6 F32 elements of shape [2, 3])");
    }

    @Test
    void shapeTooLargeForAJavaArray() throws IOException {
        assertContains(rejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}}", new byte[4])),
                "has more than 2^31 elements");
    }

    // ---- bad offsets ----

    @Test
    void offsetsPastTheBufferOrTruncatedFile() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Safetensors.write(file, List.of(WEIGHT, BIAS));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 1);
        }
        assertContains(rejected(file), "tensor 'fc1.bias' data_offsets [24, 36] run past the end of the 35-byte data buffer");
    }

    @Test
    void offsetsThatEndBeforeTheyBegin() throws IOException {
        assertContains(rejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}", new byte[4])),
                "data_offsets [4, 0] end before they begin");
    }

    @Test
    void overlappingOffsets() throws IOException {
        assertContains(rejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12])),
                "tensor 'b' data_offsets [4, 12] overlap tensor 'a' [0, 8]");
    }

    @Test
    void gapsBetweenTensors() throws IOException {
        assertContains(rejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[12])),
                "gap of 4 bytes in the data buffer before tensor 'b'");
        assertContains(rejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8])),
                "gap of 4 bytes in the data buffer before tensor 'a'");
    }

    @Test
    void bytesAfterTheLastTensor() throws IOException {
        assertContains(rejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[6])),
                "data buffer length 6 bytes, expected 4 (the end of the last tensor)");
    }

    @Test
    void tensorsMayBeListedInAnyOrderAndReadBackInDataOrder() throws IOException {
        Path file = raw("{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}     ", floats(1, 2));
        SafetensorsFile read = Safetensors.read(file);
        assertEquals(List.of("a", "b"), List.copyOf(read.tensors().keySet()));
        assertArrayEquals(new float[] {2}, read.tensor("b").data());
    }

    // ---- independent check ----

    @Test
    void pythonWithJsonAndNumpyReadsWhatWeWrite() throws IOException {
        PythonNumpy.assumeAvailable();
        Path file = dir.resolve("check.safetensors");
        NamedTensor finite = new NamedTensor("layer.bias", new int[] {4}, new float[] {0.1f, -1e30f, 3.4028235e38f, 1.4e-45f});
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("producer", "distill4j");
        Safetensors.write(file, metadata, List.of(WEIGHT, finite));
        String script = """
                import json, sys
                import numpy as np
                raw = open(sys.argv[1], 'rb').read()
                n = int.from_bytes(raw[:8], 'little')
                assert n % 8 == 0, n
                header = json.loads(raw[8:8 + n].decode('utf-8'))
                buf = raw[8 + n:]
                print('meta', header.pop('__metadata__')['producer'])
                for name, info in header.items():
                    assert info['dtype'] == 'F32'
                    b, e = info['data_offsets']
                    a = np.frombuffer(buf[b:e], dtype='<f4').reshape(info['shape'])
                    print(name, a.shape, ' '.join(repr(float(v)) for v in a.ravel()))
                """;
        String[] lines = PythonNumpy.run(dir, script, file.toString()).strip().split("\\R");
        assertEquals("meta distill4j", lines[0]);
        assertPythonLine("fc1.weight (2, 3)", WEIGHT.data(), lines[1]);
        assertPythonLine("layer.bias (4,)", finite.data(), lines[2]);
    }

    /** A line "name shape v1 v2 ..." whose values, printed by Python as doubles, equal {@code expected} exactly. */
    static void assertPythonLine(String prefix, float[] expected, String line) {
        assertTrue(line.startsWith(prefix + " "), () -> "expected '" + prefix + "' at the start of: " + line);
        String[] values = line.substring(prefix.length() + 1).trim().split(" ");
        assertEquals(expected.length, values.length, () -> "number of values in " + prefix);
        for (int i = 0; i < expected.length; i++) {
            int index = i;
            assertEquals(expected[i], (float) Double.parseDouble(values[i]), () -> "value " + index + " of " + prefix);
        }
    }
}
