package org.distill4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Reads and writes NumPy {@code .npy} files of numbers, such as teacher logits saved with {@code numpy.save}.
 *
 * <p>A file is the magic {@code \x93NUMPY}, a version byte pair (1.0, 2.0 or 3.0), the header length (2 bytes
 * little-endian for 1.0, 4 bytes for 2.0 and 3.0), a header that is a Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded with spaces and ending in a newline,
 * then the raw elements.
 *
 * <p>The header is parsed by a small strict parser that knows only strings, {@code True}/{@code False} and tuples
 * of integers; nothing is ever unpickled, so object arrays are rejected. Element types read: {@code f4} and
 * {@code f8} (converted to float), {@code u1}, {@code i4} and {@code i8} (integers up to 2^24 in magnitude, which
 * float represents exactly), in either byte order. Fortran-order data is reordered to C order. Arrays have 1 to 4
 * dimensions. The data must fill the rest of the file exactly. The writer writes {@code '<f4'} in C order with
 * the header padded so the data starts at a multiple of 64 bytes, atomically with {@link AtomicFiles}.
 */
public final class Npy {
    /** The largest header accepted, in bytes. */
    public static final int MAX_HEADER_BYTES = 1 << 20;
    /** The most dimensions an array may have (the rank limit of a tensor). */
    public static final int MAX_RANK = 4;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGNMENT = 64;
    private static final int CHUNK_BYTES = 1 << 20;
    private static final long EXACT_INT_LIMIT = 1L << 24;

    private Npy() {
    }

    /** An element type this reader understands. */
    private record Dtype(char kind, int bytes, ByteOrder order) {
    }

    /** Writes a {@code rows x cols} row-major float matrix. */
    public static void write(Path file, int rows, int cols, float[] data) throws IOException {
        write(file, new int[] {rows, cols}, data);
    }

    /** Writes a row-major float array of the given shape (1 to 4 dimensions) as {@code '<f4'}. */
    public static void write(Path file, int[] shape, float[] data) throws IOException {
        if (shape.length < 1 || shape.length > MAX_RANK) {
            throw new IllegalArgumentException("shape must have 1 to " + MAX_RANK + " dimensions, found " + shapeString(shape));
        }
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + shapeString(shape));
            }
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + shapeString(shape) + " holds " + size + " elements but data has " + data.length);
        }
        byte[] prefix = prefix(shape);
        AtomicFiles.write(file, channel -> {
            ByteBuffer head = ByteBuffer.wrap(prefix);
            while (head.hasRemaining()) {
                channel.write(head);
            }
            ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int from = 0; from < data.length; ) {
                int count = Math.min(data.length - from, CHUNK_BYTES / Float.BYTES);
                buffer.clear();
                buffer.asFloatBuffer().put(data, from, count);
                buffer.limit(count * Float.BYTES);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                from += count;
            }
        });
    }

    /** Magic, version, header length and the padded header for a C-order {@code '<f4'} array. */
    static byte[] prefix(int[] shape) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeString(shape) + ", }";
        boolean v1 = dict.length() + 1 + 10 <= 0xFFFF;
        int fixed = v1 ? 10 : 12;
        int total = (fixed + dict.length() + 1 + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        int headerLength = total - fixed;
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) (v1 ? 1 : 2)).put((byte) 0);
        if (v1) {
            out.putShort((short) headerLength);
        } else {
            out.putInt(headerLength);
        }
        out.put(dict.getBytes(StandardCharsets.US_ASCII));
        while (out.position() < total - 1) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        return out.array();
    }

    /** Reads and checks a whole file. */
    public static NpyArray read(Path file) throws IOException {
        String source = file.toString();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 10) {
                throw new DataFormatException(source, "file is " + fileSize + " bytes, too short for a .npy header");
            }
            ByteBuffer start = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            start.limit((int) Math.min(12, fileSize));
            readFully(channel, start, 0, source);
            start.flip();
            for (int i = 0; i < MAGIC.length; i++) {
                if (start.get(i) != MAGIC[i]) {
                    throw DataFormatException.mismatch(source, "magic", hex(start, 6), "93 4E 55 4D 50 59 (\\x93NUMPY)");
                }
            }
            int major = start.get(6) & 0xFF;
            int minor = start.get(7) & 0xFF;
            if (major < 1 || major > 3 || minor != 0) {
                throw DataFormatException.mismatch(source, "format version", major + "." + minor, "1.0, 2.0 or 3.0");
            }
            long headerLength;
            int fixed;
            if (major == 1) {
                headerLength = start.getShort(8) & 0xFFFF;
                fixed = 10;
            } else {
                if (fileSize < 12) {
                    throw new DataFormatException(source, "file is " + fileSize + " bytes, too short for a version " + major + ".0 header");
                }
                headerLength = start.getInt(8) & 0xFFFFFFFFL;
                fixed = 12;
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw new DataFormatException(source, "header length " + headerLength + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
            }
            if (fixed + headerLength > fileSize) {
                throw new DataFormatException(source, "header length " + headerLength + " runs past the end of the file ("
                        + fileSize + " bytes)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, fixed, source);
            String header = decode(headerBytes.flip(), major == 3, source);

            Map<String, Object> dict = new HeaderParser(header, source).parse();
            Dtype dtype = dtype(dict.get("descr"), source);
            boolean fortran = flag(dict.get("fortran_order"), source);
            int[] shape = shape(dict.get("shape"), source);
            int size = 1;
            for (int d : shape) {
                size *= d;
            }

            long dataStart = fixed + headerLength;
            long expected = (long) size * dtype.bytes;
            if (fileSize - dataStart != expected) {
                throw DataFormatException.mismatch(source, "data length", (fileSize - dataStart) + " bytes",
                        expected + " (shape " + shapeString(shape) + " of '" + dict.get("descr") + "'"
                                + (fileSize - dataStart < expected ? "; file truncated?)" : ")"));
            }
            float[] data = new float[size];
            readData(channel, dataStart, dtype, data, source);
            if (fortran && shape.length > 1) {
                data = fortranToC(data, shape);
            }
            return new NpyArray(source, (String) dict.get("descr"), shape, data);
        }
    }

    private static Dtype dtype(Object value, String source) throws DataFormatException {
        if (!(value instanceof String descr)) {
            throw DataFormatException.mismatch(source, "header 'descr'", describe(value), "a dtype string such as '<f4'");
        }
        String supported = "'<f4' (also read: f8, u1, i4, i8 in either byte order)";
        if (descr.length() >= 2 && descr.charAt(1) == 'O') {
            throw DataFormatException.mismatch(source, "header 'descr'", "'" + descr + "' (Python objects, which would need unpickling)", supported);
        }
        Dtype d = switch (descr) {
            case "<f4" -> new Dtype('f', 4, ByteOrder.LITTLE_ENDIAN);
            case ">f4" -> new Dtype('f', 4, ByteOrder.BIG_ENDIAN);
            case "<f8" -> new Dtype('f', 8, ByteOrder.LITTLE_ENDIAN);
            case ">f8" -> new Dtype('f', 8, ByteOrder.BIG_ENDIAN);
            case "|u1", "<u1", ">u1" -> new Dtype('u', 1, ByteOrder.LITTLE_ENDIAN);
            case "<i4" -> new Dtype('i', 4, ByteOrder.LITTLE_ENDIAN);
            case ">i4" -> new Dtype('i', 4, ByteOrder.BIG_ENDIAN);
            case "<i8" -> new Dtype('i', 8, ByteOrder.LITTLE_ENDIAN);
            case ">i8" -> new Dtype('i', 8, ByteOrder.BIG_ENDIAN);
            default -> null;
        };
        if (d == null) {
            throw DataFormatException.mismatch(source, "header 'descr'", "'" + descr + "'", supported);
        }
        return d;
    }

    private static boolean flag(Object value, String source) throws DataFormatException {
        if (!(value instanceof Boolean b)) {
            throw DataFormatException.mismatch(source, "header 'fortran_order'", describe(value), "True or False");
        }
        return b;
    }

    private static int[] shape(Object value, String source) throws DataFormatException {
        if (!(value instanceof long[] dims)) {
            throw DataFormatException.mismatch(source, "header 'shape'", describe(value), "a tuple of integers such as (2, 3) or (3,)");
        }
        if (dims.length < 1 || dims.length > MAX_RANK) {
            throw DataFormatException.mismatch(source, "header 'shape'", describe(value), "1 to " + MAX_RANK + " dimensions");
        }
        int[] shape = new int[dims.length];
        long size = 1;
        for (int i = 0; i < dims.length; i++) {
            size *= Math.min(dims[i], Integer.MAX_VALUE);
            if (dims[i] > Integer.MAX_VALUE || size > Integer.MAX_VALUE - 8) {
                throw new DataFormatException(source, "header 'shape' " + describe(value) + " has more than 2^31 elements, too many for one Java array");
            }
            shape[i] = (int) dims[i];
        }
        return shape;
    }

    private static void readData(FileChannel channel, long position, Dtype dtype, float[] dst, String source) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES).order(dtype.order);
        int perChunk = CHUNK_BYTES / dtype.bytes;
        for (int from = 0; from < dst.length; ) {
            int count = Math.min(dst.length - from, perChunk);
            chunk.clear().limit(count * dtype.bytes);
            readFully(channel, chunk, position, source);
            chunk.flip();
            if (dtype.kind == 'f' && dtype.bytes == 4) {
                chunk.asFloatBuffer().get(dst, from, count);
            } else {
                for (int i = 0; i < count; i++) {
                    dst[from + i] = switch (dtype.bytes) {
                        case 1 -> chunk.get() & 0xFF;
                        case 4 -> exactInt(chunk.getInt(), from + i, source);
                        default -> dtype.kind == 'f' ? (float) chunk.getDouble() : exactInt(chunk.getLong(), from + i, source);
                    };
                }
            }
            position += (long) count * dtype.bytes;
            from += count;
        }
    }

    private static float exactInt(long value, int index, String source) throws DataFormatException {
        if (Math.abs(value) > EXACT_INT_LIMIT) {
            throw new DataFormatException(source, "integer " + value + " at element " + index
                    + " cannot be represented exactly as float, expected magnitudes up to 2^24");
        }
        return value;
    }

    /** Reorders column-major (first index fastest) data to row-major. */
    private static float[] fortranToC(float[] f, int[] shape) {
        int rank = shape.length;
        int[] stride = new int[rank];
        stride[rank - 1] = 1;
        for (int j = rank - 2; j >= 0; j--) {
            stride[j] = stride[j + 1] * shape[j + 1];
        }
        float[] c = new float[f.length];
        int[] index = new int[rank];
        int position = 0;
        for (int k = 0; k < f.length; k++) {
            c[position] = f[k];
            for (int j = 0; j < rank; j++) {
                index[j]++;
                position += stride[j];
                if (index[j] < shape[j] || j == rank - 1) {
                    break;
                }
                position -= shape[j] * stride[j];
                index[j] = 0;
            }
        }
        return c;
    }

    private static String decode(ByteBuffer bytes, boolean utf8, String source) throws DataFormatException {
        try {
            return (utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new DataFormatException(source, "header is not valid UTF-8", e);
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

    /** A shape as Python writes a tuple: {@code (2, 3)}, {@code (3,)}. */
    public static String shapeString(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (int d : shape) {
            j.add(Integer.toString(d));
        }
        return j.toString();
    }

    private static String describe(Object value) {
        if (value instanceof long[] dims) {
            if (dims.length == 1) {
                return "(" + dims[0] + ",)";
            }
            StringJoiner j = new StringJoiner(", ", "(", ")");
            for (long d : dims) {
                j.add(Long.toString(d));
            }
            return j.toString();
        }
        if (value instanceof String s) {
            return "'" + s + "'";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return String.valueOf(value);
    }

    private static String hex(ByteBuffer bytes, int count) {
        StringJoiner j = new StringJoiner(" ");
        for (int i = 0; i < Math.min(count, bytes.limit()); i++) {
            j.add(String.format("%02X", bytes.get(i) & 0xFF));
        }
        return j.toString();
    }

    /**
     * A strict parser for the header dict: string keys and values that are strings, True, False, integers or
     * tuples of integers. The three keys descr, fortran_order and shape must each appear exactly once.
     */
    private static final class HeaderParser {
        private final String text;
        private final String source;
        private int pos;

        HeaderParser(String text, String source) {
            this.text = text;
            this.source = source;
        }

        Map<String, Object> parse() throws DataFormatException {
            Map<String, Object> dict = new LinkedHashMap<>();
            skipSpace();
            expect('{');
            skipSpace();
            while (peek() != '}') {
                int keyAt = pos;
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                Object value = value();
                if (!List.of("descr", "fortran_order", "shape").contains(key)) {
                    throw fail("unexpected key '" + key + "' at character " + keyAt + ", expected only 'descr', 'fortran_order' and 'shape'");
                }
                if (dict.put(key, value) != null) {
                    throw fail("key '" + key + "' appears twice");
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    skipSpace();
                } else if (peek() != '}') {
                    throw fail("expected ',' or '}' at character " + pos + ", found " + found());
                }
            }
            pos++;
            skipSpace();
            if (pos != text.length()) {
                throw fail("unexpected " + found() + " at character " + pos + " after the dict");
            }
            for (String key : List.of("descr", "fortran_order", "shape")) {
                if (!dict.containsKey(key)) {
                    throw fail("lacks the key '" + key + "'");
                }
            }
            return dict;
        }

        private Object value() throws DataFormatException {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (text.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c >= '0' && c <= '9') {
                return integer();
            }
            throw fail("unsupported value at character " + pos + ": " + found()
                    + " (only strings, True, False and tuples of integers are accepted)");
        }

        /** A tuple of integers as a long[]; a parenthesised single integer without a comma is just that integer. */
        private Object tuple() throws DataFormatException {
            expect('(');
            skipSpace();
            List<Long> items = new ArrayList<>();
            boolean comma = false;
            while (peek() != ')') {
                if (!(peek() >= '0' && peek() <= '9')) {
                    throw fail("expected a non-negative integer at character " + pos + " in a tuple, found " + found());
                }
                items.add(integer());
                skipSpace();
                comma = false;
                if (peek() == ',') {
                    comma = true;
                    pos++;
                    skipSpace();
                } else if (peek() != ')') {
                    throw fail("expected ',' or ')' at character " + pos + ", found " + found());
                }
            }
            pos++;
            if (items.size() == 1 && !comma) {
                return items.get(0);
            }
            return items.stream().mapToLong(Long::longValue).toArray();
        }

        private long integer() throws DataFormatException {
            int start = pos;
            while (pos < text.length() && Character.isDigit(text.charAt(pos)) && text.charAt(pos) < 128) {
                pos++;
            }
            String digits = text.substring(start, pos);
            if (pos < text.length() && text.charAt(pos) == 'L') {
                pos++;
            }
            if (digits.length() > 1 && digits.charAt(0) == '0') {
                throw fail("integer '" + digits + "' at character " + start + " has a leading zero");
            }
            if (digits.length() > 18) {
                throw fail("integer '" + digits + "' at character " + start + " is too large");
            }
            return Long.parseLong(digits);
        }

        private String string() throws DataFormatException {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw fail("expected a quoted string at character " + pos + ", found " + found());
            }
            int start = ++pos;
            while (pos < text.length() && text.charAt(pos) != quote) {
                char c = text.charAt(pos);
                if (c == '\\' || c == '\n') {
                    throw fail("string at character " + (start - 1) + " has an escape or newline, which is not supported");
                }
                pos++;
            }
            if (pos >= text.length()) {
                throw fail("string at character " + (start - 1) + " is not closed");
            }
            return text.substring(start, pos++);
        }

        private void expect(char c) throws DataFormatException {
            if (peek() != c) {
                throw fail("expected '" + c + "' at character " + pos + ", found " + found());
            }
            pos++;
        }

        private char peek() throws DataFormatException {
            if (pos >= text.length()) {
                throw fail("ends early at character " + pos);
            }
            return text.charAt(pos);
        }

        private String found() {
            return pos >= text.length() ? "the end" : "'" + text.charAt(pos) + "'";
        }

        private void skipSpace() {
            while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\n' || text.charAt(pos) == '\t')) {
                pos++;
            }
        }

        private DataFormatException fail(String problem) {
            return new DataFormatException(source, "header " + problem + " in " + abbreviate(text));
        }

        private static String abbreviate(String s) {
            String t = s.strip();
            return t.length() > 120 ? t.substring(0, 120) + "..." : t;
        }
    }
}
