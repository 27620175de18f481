package org.distill4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.distill4j.io.DataFormatException;

/**
 * A minimal reader of tar streams (ustar, with pax and GNU long names), enough for npm package tarballs.
 *
 * <p>{@link #next()} returns the next entry's header; the entry's bytes are then read from {@link #data()}.
 * Header checksums are verified and a stream that ends inside a header or an entry is an error.
 */
final class TarReader {
    private static final int BLOCK = 512;
    private static final int MAX_META_BYTES = 1 << 20;

    /** One entry: its path inside the archive, its size in bytes and its tar type flag. */
    record Entry(String name, long size, char type) {
        boolean isFile() {
            return type == '0' || type == '\0' || type == '7';
        }
    }

    private final InputStream in;
    private final String source;
    private long remaining;
    private long padding;
    private final InputStream data = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new DataFormatException(source, "archive ends inside an entry, " + remaining + " bytes short (truncated?)");
            }
            remaining -= n;
            return n;
        }
    };

    /** {@code source} names the archive in error messages. */
    TarReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** The bytes of the entry last returned by {@link #next()}. */
    InputStream data() {
        return data;
    }

    /** The next entry, or {@code null} at the end of the archive; skips what is left of the previous entry. */
    Entry next() throws IOException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        String longName = null;
        while (true) {
            byte[] header = in.readNBytes(BLOCK);
            if (header.length == 0 || (header.length == BLOCK && isZero(header))) {
                return null;
            }
            if (header.length < BLOCK) {
                throw new DataFormatException(source, "archive ends inside a header block (" + header.length + " of 512 bytes)");
            }
            checkChecksum(header);
            char type = (char) (header[156] & 0xFF);
            long size = number(header, 124, 12, "size");
            String name = longName != null ? longName : name(header);
            longName = null;
            if (type == 'x' || type == 'L') {
                longName = type == 'x' ? paxPath(readMeta(size)) : cString(readMeta(size), 0, (int) size);
                if (longName != null && longName.isEmpty()) {
                    longName = null;
                }
                continue;
            }
            if (type == 'g') {
                readMeta(size);
                continue;
            }
            remaining = size;
            padding = (BLOCK - size % BLOCK) % BLOCK;
            return new Entry(name, size, type);
        }
    }

    private byte[] readMeta(long size) throws IOException {
        if (size > MAX_META_BYTES) {
            throw new DataFormatException(source, "extended header of " + size + " bytes, expected at most " + MAX_META_BYTES);
        }
        byte[] meta = in.readNBytes((int) size);
        if (meta.length < size) {
            throw new DataFormatException(source, "archive ends inside an extended header (truncated?)");
        }
        skip((BLOCK - size % BLOCK) % BLOCK);
        return meta;
    }

    /** The {@code path} record of a pax extended header ("LEN path=VALUE\n" records), or null. */
    private String paxPath(byte[] meta) throws DataFormatException {
        String text = new String(meta, StandardCharsets.UTF_8);
        int at = 0;
        while (at < text.length()) {
            int space = text.indexOf(' ', at);
            if (space < 0) {
                throw new DataFormatException(source, "malformed pax extended header record at byte " + at);
            }
            int length;
            try {
                length = Integer.parseInt(text.substring(at, space));
            } catch (NumberFormatException e) {
                throw new DataFormatException(source, "malformed pax extended header record length at byte " + at);
            }
            if (length <= space - at || at + length > text.length()) {
                throw new DataFormatException(source, "malformed pax extended header record length " + length + " at byte " + at);
            }
            String record = text.substring(space + 1, at + length - 1);
            if (record.startsWith("path=")) {
                return record.substring(5);
            }
            at += length;
        }
        return null;
    }

    private String name(byte[] header) {
        String name = cString(header, 0, 100);
        boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? cString(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private void checkChecksum(byte[] header) throws DataFormatException {
        long stored = number(header, 148, 8, "checksum");
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xFF;
        }
        if (sum != stored) {
            throw DataFormatException.mismatch(source, "tar header checksum", stored, sum + " (corrupt archive or not a tar file)");
        }
    }

    /** An octal field (space or NUL terminated), or a base-256 one when the high bit of its first byte is set. */
    private long number(byte[] header, int at, int length, String field) throws DataFormatException {
        if ((header[at] & 0x80) != 0) {
            if ((header[at] & 0x40) != 0) {
                throw new DataFormatException(source, "tar header " + field + " is negative");
            }
            long value = header[at] & 0x3F;
            for (int i = 1; i < length; i++) {
                if (value > (Long.MAX_VALUE >> 8)) {
                    throw new DataFormatException(source, "tar header " + field + " is too large");
                }
                value = value << 8 | (header[at + i] & 0xFF);
            }
            return value;
        }
        long value = 0;
        int i = at;
        int end = at + length;
        while (i < end && header[i] == ' ') {
            i++;
        }
        int digits = 0;
        for (; i < end && header[i] >= '0' && header[i] <= '7'; i++, digits++) {
            value = value * 8 + (header[i] - '0');
        }
        for (; i < end; i++) {
            if (header[i] != ' ' && header[i] != 0) {
                throw new DataFormatException(source, "tar header " + field + " field is not an octal number");
            }
        }
        if (digits == 0 && !field.equals("size")) {
            throw new DataFormatException(source, "tar header " + field + " field is empty");
        }
        return value;
    }

    private void skip(long count) throws IOException {
        while (count > 0) {
            long n = in.skip(count);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new DataFormatException(source, "archive ends inside an entry (truncated?)");
                }
                n = 1;
            }
            count -= n;
        }
    }

    private static String cString(byte[] b, int at, int length) {
        int end = at;
        while (end < at + length && b[end] != 0) {
            end++;
        }
        return new String(b, at, end - at, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
