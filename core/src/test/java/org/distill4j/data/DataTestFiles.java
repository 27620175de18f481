package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.distill4j.io.DataFormatException;
import org.junit.jupiter.api.function.Executable;

/** Writes the small files the data tests read, and checks the errors they expect. */
final class DataTestFiles {
    private DataTestFiles() {
    }

    static Path text(Path dir, String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    /** A {@code .npy} file with this dtype, shape (as Python writes it, such as {@code "(3,)"}) and raw data. */
    static Path npy(Path dir, String name, String descr, String shape, byte[] data) throws IOException {
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }");
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h).put(data);
        return Files.write(dir.resolve(name), out.array());
    }

    /** Little-endian int64 values, as {@code '<i8'} stores them. */
    static byte[] longs(long... values) {
        ByteBuffer out = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            out.putLong(v);
        }
        return out.array();
    }

    /** An IDX file of unsigned bytes with these dimension sizes, optionally gzip-compressed. */
    static Path idx(Path dir, String name, int[] dims, byte[] data, boolean gzip) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        out.putInt(0x0800 | dims.length);
        for (int d : dims) {
            out.putInt(d);
        }
        byte[] bytes = out.put(data).array();
        if (gzip) {
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(z)) {
                gz.write(bytes);
            }
            bytes = z.toByteArray();
        }
        return Files.write(dir.resolve(name), bytes);
    }

    /** The message of the {@link DataFormatException} {@code read} throws, checked to start with {@code file}. */
    static String rejected(Path file, Executable read) {
        DataFormatException e = assertThrows(DataFormatException.class, read);
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e.getMessage();
    }

    static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected '" + part + "' in: " + message);
        }
    }
}
