package org.distill4j.io;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads and writes named float32 tensors in the safetensors format.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length {@code N}; {@code N} bytes of UTF-8 JSON
 * <pre>{"__metadata__": {"key": "value"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}</pre>
 * padded with spaces to a multiple of 8; then the data buffer, where each tensor's bytes lie at its
 * {@code data_offsets} (begin inclusive, end exclusive, relative to the buffer's start), little-endian and
 * row-major, the tensors contiguous and covering the buffer exactly.
 *
 * <p>The reader checks every field before it allocates anything sized by the file, and reports each problem
 * as a {@link DataFormatException} naming the file. It reads F32 and converts F64, F16 and BF16 to float;
 * other dtypes are rejected. Files are written atomically with {@link AtomicFiles}.
 */
public final class Safetensors {
    /** The largest header accepted, in bytes (the same limit as the reference implementation). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA_KEY = "__metadata__";
    private static final int CHUNK_BYTES = 1 << 20;

    private Safetensors() {
    }

    /** The element types this reader understands, with their byte widths. */
    private enum Dtype {
        F32(4), F64(8), F16(2), BF16(2);

        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }
    }

    /** One header entry after its fields were checked individually. */
    private record Entry(String name, Dtype dtype, int[] shape, int size, long begin, long end) {
    }

    /** Writes {@code tensors}, in the order given, with no metadata. */
    public static void write(Path file, List<NamedTensor> tensors) throws IOException {
        write(file, Map.of(), tensors);
    }

    /** Writes {@code tensors}, in the order given, as F32, with {@code metadata} as the {@code __metadata__} strings
     *  (sorted by key, so the same model always gives the same bytes). */
    public static void write(Path file, Map<String, String> metadata, List<NamedTensor> tensors) throws IOException {
        byte[] header = header(metadata, tensors);
        AtomicFiles.write(file, channel -> {
            ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(header.length).flip();
            writeFully(channel, buffer);
            writeFully(channel, ByteBuffer.wrap(header));
            for (NamedTensor t : tensors) {
                float[] data = t.data();
                for (int from = 0; from < data.length; ) {
                    int count = Math.min(data.length - from, CHUNK_BYTES / Float.BYTES);
                    buffer.clear();
                    buffer.asFloatBuffer().put(data, from, count);
                    buffer.limit(count * Float.BYTES);
                    writeFully(channel, buffer);
                    from += count;
                }
            }
        });
    }

    /** The JSON header for {@code tensors} laid out contiguously in order, space-padded to a multiple of 8 bytes. */
    static byte[] header(Map<String, String> metadata, List<NamedTensor> tensors) {
        Set<String> names = new HashSet<>();
        StringWriter json = new StringWriter();
        try (JsonWriter out = new JsonWriter(json)) {
            out.beginObject();
            out.name(METADATA_KEY).beginObject();
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("metadata keys and values must not be null: " + e);
                }
            }
            for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                out.name(e.getKey()).value(e.getValue());
            }
            out.endObject();
            long offset = 0;
            for (NamedTensor t : tensors) {
                if (t.name().equals(METADATA_KEY) || !names.add(t.name())) {
                    throw new IllegalArgumentException("tensor names must be unique and not " + METADATA_KEY + ": '" + t.name() + "'");
                }
                long end = offset + (long) t.size() * Float.BYTES;
                out.name(t.name()).beginObject();
                out.name("dtype").value("F32");
                out.name("shape").beginArray();
                for (int d : t.shape()) {
                    out.value(d);
                }
                out.endArray();
                out.name("data_offsets").beginArray().value(offset).value(end).endArray();
                out.endObject();
                offset = end;
            }
            out.endObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to a string failed", e);
        }
        byte[] text = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        if (padded > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("safetensors header would be " + padded + " bytes, more than " + MAX_HEADER_BYTES);
        }
        byte[] header = Arrays.copyOf(text, padded);
        Arrays.fill(header, text.length, padded, (byte) ' ');
        return header;
    }

    /** Reads and checks a whole file. */
    public static SafetensorsFile read(Path file) throws IOException {
        String source = file.toString();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new DataFormatException(source, "file is " + fileSize + " bytes, too short for the 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, source);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw new DataFormatException(source, "header length " + Long.toUnsignedString(headerLength)
                        + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
            }
            if (headerLength > fileSize - 8) {
                throw new DataFormatException(source, "header length " + headerLength + " runs past the end of the file ("
                        + fileSize + " bytes, so at most " + (fileSize - 8) + ")");
            }
            if (headerLength < 2) {
                throw DataFormatException.mismatch(source, "header length", headerLength, "at least 2 (a JSON object)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8, source);
            String json = decodeUtf8(headerBytes.flip(), source);
            long dataStart = 8 + headerLength;
            long bufferLength = fileSize - dataStart;

            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = parseHeader(json, source, metadata);
            checkLayout(entries, bufferLength, source);

            Map<String, NamedTensor> tensors = new LinkedHashMap<>();
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : entries) {
                float[] data = new float[e.size];
                readData(channel, chunk, dataStart + e.begin, e.dtype, data, source);
                tensors.put(e.name, new NamedTensor(e.name, e.shape, data));
            }
            return new SafetensorsFile(source, metadata, tensors);
        }
    }

    private static String decodeUtf8(ByteBuffer bytes, String source) throws DataFormatException {
        if (bytes.get(0) != '{') {
            throw new DataFormatException(source, String.format("header starts with byte 0x%02X, expected '{' (a JSON object)", bytes.get(0) & 0xFF));
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new DataFormatException(source, "header is not valid UTF-8", e);
        }
    }

    private static List<Entry> parseHeader(String json, String source, Map<String, String> metadata) throws DataFormatException {
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (JsonReader in = new JsonReader(new StringReader(json))) {
            in.setStrictness(Strictness.STRICT);
            in.beginObject();
            while (in.hasNext()) {
                String name = in.nextName();
                if (!seen.add(name)) {
                    throw new DataFormatException(source, "header has the key '" + name + "' twice");
                }
                if (name.equals(METADATA_KEY)) {
                    parseMetadata(in, source, metadata);
                } else {
                    entries.add(parseEntry(in, name, source));
                }
            }
            in.endObject();
            if (in.peek() != JsonToken.END_DOCUMENT) {
                throw new DataFormatException(source, "header has content after its JSON object");
            }
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new DataFormatException(source, "header is not valid JSON: " + firstLine(e.getMessage()), e);
        }
        return entries;
    }

    private static void parseMetadata(JsonReader in, String source, Map<String, String> metadata) throws IOException {
        if (in.peek() == JsonToken.NULL) {
            in.nextNull();
            return;
        }
        expect(in, JsonToken.BEGIN_OBJECT, source, METADATA_KEY);
        in.beginObject();
        while (in.hasNext()) {
            String key = in.nextName();
            expect(in, JsonToken.STRING, source, METADATA_KEY + "." + key);
            if (metadata.put(key, in.nextString()) != null) {
                throw new DataFormatException(source, METADATA_KEY + " has the key '" + key + "' twice");
            }
        }
        in.endObject();
    }

    private static Entry parseEntry(JsonReader in, String name, String source) throws IOException {
        String where = "tensor '" + name + "'";
        expect(in, JsonToken.BEGIN_OBJECT, source, where);
        String dtypeName = null;
        long[] shape = null;
        long[] offsets = null;
        in.beginObject();
        while (in.hasNext()) {
            String field = in.nextName();
            switch (field) {
                case "dtype" -> {
                    if (dtypeName != null) {
                        throw new DataFormatException(source, where + " has 'dtype' twice");
                    }
                    expect(in, JsonToken.STRING, source, where + " dtype");
                    dtypeName = in.nextString();
                }
                case "shape" -> {
                    if (shape != null) {
                        throw new DataFormatException(source, where + " has 'shape' twice");
                    }
                    shape = readCounts(in, source, where + " shape");
                }
                case "data_offsets" -> {
                    if (offsets != null) {
                        throw new DataFormatException(source, where + " has 'data_offsets' twice");
                    }
                    offsets = readCounts(in, source, where + " data_offsets");
                }
                default -> throw new DataFormatException(source, where + " has an unknown field '" + field
                        + "', expected only dtype, shape and data_offsets");
            }
        }
        in.endObject();
        if (dtypeName == null || shape == null || offsets == null) {
            throw new DataFormatException(source, where + " lacks " + (dtypeName == null ? "'dtype'" : shape == null ? "'shape'" : "'data_offsets'"));
        }
        Dtype dtype = dtypeOf(dtypeName, source, where);
        int[] dims = new int[shape.length];
        long size = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw new DataFormatException(source, where + " shape " + Arrays.toString(shape) + " has a dimension over 2^31");
            }
            dims[i] = (int) shape[i];
            size *= dims[i];
            if (size > Integer.MAX_VALUE - 8) {
                throw new DataFormatException(source, where + " shape " + Arrays.toString(shape)
                        + " has more than 2^31 elements, too many for one Java array");
            }
        }
        if (offsets.length != 2) {
            throw DataFormatException.mismatch(source, where + " data_offsets", Arrays.toString(offsets), "[begin, end]");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw new DataFormatException(source, where + " data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end - begin != size * dtype.bytes) {
            throw DataFormatException.mismatch(source, where + " data_offsets [" + begin + ", " + end + "] span",
                    (end - begin) + " bytes", (size * dtype.bytes) + " (" + size + " " + dtype + " elements of shape " + Arrays.toString(dims) + ")");
        }
        return new Entry(name, dtype, dims, (int) size, begin, end);
    }

    private static Dtype dtypeOf(String name, String source, String where) throws DataFormatException {
        for (Dtype d : Dtype.values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw new DataFormatException(source, where + " dtype '" + name
                + "' is not supported, expected F32 (F64, F16 and BF16 are converted to float32)");
    }

    /** An array of non-negative integers without sign, fraction or exponent. */
    private static long[] readCounts(JsonReader in, String source, String where) throws IOException {
        expect(in, JsonToken.BEGIN_ARRAY, source, where);
        List<Long> values = new ArrayList<>();
        in.beginArray();
        while (in.hasNext()) {
            expect(in, JsonToken.NUMBER, source, where + " element");
            String text = in.nextString();
            if (!text.matches("0|[1-9][0-9]{0,17}")) {
                throw new DataFormatException(source, where + " has '" + text + "', expected a non-negative integer");
            }
            values.add(Long.parseLong(text));
        }
        in.endArray();
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static void expect(JsonReader in, JsonToken token, String source, String where) throws IOException {
        JsonToken found = in.peek();
        if (found != token) {
            throw DataFormatException.mismatch(source, where + " is a JSON", found, token);
        }
    }

    /** Offsets in bounds, contiguous, not overlapping, and covering the buffer exactly; sorts entries by offset. */
    private static void checkLayout(List<Entry> entries, long bufferLength, String source) throws DataFormatException {
        for (Entry e : entries) {
            if (e.end > bufferLength) {
                throw new DataFormatException(source, "tensor '" + e.name + "' data_offsets [" + e.begin + ", " + e.end
                        + "] run past the end of the " + bufferLength + "-byte data buffer (file truncated?)");
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : entries) {
            if (e.begin < expected) {
                throw new DataFormatException(source, "tensor '" + e.name + "' data_offsets [" + e.begin + ", " + e.end
                        + "] overlap tensor '" + previous.name + "' [" + previous.begin + ", " + previous.end + "]");
            }
            if (e.begin > expected) {
                throw new DataFormatException(source, "gap of " + (e.begin - expected) + " bytes in the data buffer before tensor '"
                        + e.name + "' data_offsets [" + e.begin + ", " + e.end + "], expected it to begin at " + expected);
            }
            expected = e.end;
            previous = e;
        }
        if (expected != bufferLength) {
            throw DataFormatException.mismatch(source, "data buffer length", bufferLength + " bytes",
                    expected + " (the end of the last tensor)");
        }
    }

    private static void readData(FileChannel channel, ByteBuffer chunk, long position, Dtype dtype, float[] dst, String source)
            throws IOException {
        int perChunk = CHUNK_BYTES / dtype.bytes;
        for (int from = 0; from < dst.length; ) {
            int count = Math.min(dst.length - from, perChunk);
            chunk.clear().limit(count * dtype.bytes);
            readFully(channel, chunk, position, source);
            chunk.flip();
            switch (dtype) {
                case F32 -> chunk.asFloatBuffer().get(dst, from, count);
                case F64 -> {
                    for (int i = 0; i < count; i++) {
                        dst[from + i] = (float) chunk.getDouble();
                    }
                }
                case F16 -> {
                    for (int i = 0; i < count; i++) {
                        dst[from + i] = Float.float16ToFloat(chunk.getShort());
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < count; i++) {
                        dst[from + i] = Float.intBitsToFloat((chunk.getShort() & 0xFFFF) << 16);
                    }
                }
            }
            position += (long) count * dtype.bytes;
            from += count;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, String source) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new DataFormatException(source, "file ended at byte " + position + " while reading (truncated while open?)");
            }
            position += n;
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
