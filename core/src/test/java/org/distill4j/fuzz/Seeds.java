package org.distill4j.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Builds valid (and nearly valid) files for the fuzzers to start from, with the project's own writers where it has one. */
final class Seeds {
    private Seeds() {
    }

    /** The bytes {@code writer} puts in a file. */
    static byte[] written(FileWriter writer) {
        try {
            Path dir = ReaderContract.newDir();
            Path file = dir.resolve("seed");
            writer.write(file);
            byte[] bytes = Files.readAllBytes(file);
            Files.delete(file);
            Files.delete(dir);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes one file. */
    @FunctionalInterface
    interface FileWriter {
        void write(Path file) throws IOException;
    }

    /** A {@code .npy} file with this version (1, 2 or 3), header dict (padded here) and data. */
    static byte[] npy(int version, String dict, byte[] data) {
        int fixed = version == 1 ? 10 : 12;
        StringBuilder header = new StringBuilder(dict);
        while ((fixed + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(fixed + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            out.putShort((short) h.length);
        } else {
            out.putInt(h.length);
        }
        return out.put(h).put(data).array();
    }

    /** A safetensors file: the 8-byte length, this JSON header and the data buffer. */
    static byte[] safetensors(String json, byte[] data) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(data).array();
    }

    /** An IDX file of unsigned bytes: the magic {@code 0x0000080N} for {@code dims.length} dimensions, the sizes, the data. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer out = ByteBuffer.allocate(4 + 4 * dims.length + data.length).order(ByteOrder.BIG_ENDIAN);
        out.putInt(0x0800 | dims.length);
        for (int d : dims) {
            out.putInt(d);
        }
        return out.put(data).array();
    }

    /** {@code bytes} gzip-compressed. */
    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code n} bytes counting up from {@code start}. */
    static byte[] counting(int n, int start) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (start + i);
        }
        return b;
    }

    /** Little-endian float32 values. */
    static byte[] floats(float... values) {
        ByteBuffer out = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            out.putFloat(v);
        }
        return out.array();
    }
}
