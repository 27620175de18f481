package org.distill4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.distill4j.io.DataFormatException;

/**
 * Reads MNIST-style IDX files of unsigned bytes: images (magic {@code 0x00000803}: count, rows, columns) and
 * labels (magic {@code 0x00000801}: count), each raw or gzip-compressed (recognised by the bytes {@code 1f 8b},
 * whatever the file is called).
 *
 * <p>All sizes in the header are checked before anything sized by them is allocated: against the file length
 * for raw files, and for gzip files by decompressing into a buffer that grows only as data actually arrives, so
 * a truncated or lying file is reported rather than allocated for. The data must end exactly where the header
 * says. Pixels are scaled from 0..255 to floats in [0, 1].
 */
public final class IdxReader {
    /** Magic number of an IDX file of unsigned bytes with 3 dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension. */
    public static final int LABELS_MAGIC = 0x00000801;
    /** The most values one file may hold (one Java array). */
    public static final long MAX_VALUES = Integer.MAX_VALUE - 8;

    private static final int UNSIGNED_BYTE = 0x08;
    private static final int FIRST_CHUNK = 1 << 24;

    private IdxReader() {
    }

    /** Images read from an IDX file: {@code count} images of {@code rows x cols} pixels in [0, 1], row-major. */
    public record Images(int count, int rows, int cols, float[] pixels) {
    }

    /** Reads an images file. */
    public static Images readImages(Path file) throws IOException {
        Content c = read(file, IMAGES_MAGIC, 3, "IDX images");
        float[] pixels = new float[c.data.length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (c.data[i] & 0xFF) / 255f;
        }
        return new Images(c.dims[0], c.dims[1], c.dims[2], pixels);
    }

    /** Reads a labels file whose labels must all be below {@code classCount}. */
    public static int[] readLabels(Path file, int classCount) throws IOException {
        Content c = read(file, LABELS_MAGIC, 1, "IDX labels");
        int[] labels = new int[c.data.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = c.data[i] & 0xFF;
            if (labels[i] >= classCount) {
                throw new DataFormatException(file, "label " + labels[i] + " at index " + i + ", expected 0 to " + (classCount - 1));
            }
        }
        return labels;
    }

    /** Reads matching images and labels files into a dataset with image shape {@code 1 x rows x cols}. */
    public static Dataset read(Path images, Path labels, int classCount) throws IOException {
        Images im = readImages(images);
        int[] l = readLabels(labels, classCount);
        if (l.length != im.count) {
            throw DataFormatException.mismatch(labels.toString(), "label count", l.length,
                    im.count + " (the image count of " + images + ")");
        }
        if (im.rows < 1 || im.cols < 1 || (long) im.rows * im.cols > MAX_VALUES) {
            throw new DataFormatException(images, "image size " + im.rows + "x" + im.cols + ", expected at least 1x1 and at most "
                    + MAX_VALUES + " pixels");
        }
        return new Dataset(im.pixels, im.rows * im.cols, l, classCount, new Dataset.ImageShape(1, im.rows, im.cols));
    }

    /** Whether the file starts with the gzip magic bytes {@code 1f 8b}. */
    public static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] start = in.readNBytes(2);
            return start.length == 2 && (start[0] & 0xFF) == 0x1f && (start[1] & 0xFF) == 0x8b;
        }
    }

    private record Content(int[] dims, byte[] data) {
    }

    private static Content read(Path file, int magic, int dimensionCount, String kind) throws IOException {
        boolean gzip = isGzip(file);
        long fileSize = Files.size(file);
        try (InputStream in = gzip ? new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), 1 << 16)
                : new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            int headerBytes = 4 + 4 * dimensionCount;
            byte[] header = in.readNBytes(headerBytes);
            if (header.length < 4) {
                throw new DataFormatException(file, (gzip ? "decompressed data is " : "file is ") + header.length
                        + " bytes, too short for the 4-byte magic number of " + kind);
            }
            checkMagic(file, readInt(header, 0), magic, kind);
            if (header.length < headerBytes) {
                throw new DataFormatException(file, "header ends after " + header.length + " bytes, expected " + headerBytes
                        + " (" + dimensionCount + " dimension sizes; file truncated?)");
            }
            int[] dims = new int[dimensionCount];
            long values = 1;
            for (int d = 0; d < dimensionCount; d++) {
                long size = readInt(header, 4 + 4 * d) & 0xFFFFFFFFL;
                values *= size;
                if (size > Integer.MAX_VALUE || values > MAX_VALUES) {
                    throw new DataFormatException(file, "dimension sizes " + describe(header, dimensionCount)
                            + " give more than " + MAX_VALUES + " values, too many for one array");
                }
                dims[d] = (int) size;
            }
            byte[] data;
            if (gzip) {
                data = readExactly(in, (int) values, file, headerBytes, dims);
            } else {
                long expected = headerBytes + values;
                if (fileSize != expected) {
                    throw DataFormatException.mismatch(file.toString(), "file length", fileSize + " bytes",
                            expected + " (" + headerBytes + "-byte header + " + describe(dims) + " bytes"
                                    + (fileSize < expected ? "; file truncated?)" : ")"));
                }
                data = in.readNBytes((int) values);
                if (data.length != values) {
                    throw new DataFormatException(file, "file shrank while being read, " + data.length + " of " + values + " bytes");
                }
            }
            return new Content(dims, data);
        } catch (ZipException e) {
            throw new DataFormatException(file, "gzip data is corrupt: " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new DataFormatException(file, "gzip data ends early (truncated download?): " + e.getMessage(), e);
        }
    }

    private static void checkMagic(Path file, int found, int expected, String kind) throws DataFormatException {
        if (found == expected) {
            return;
        }
        int type = (found >>> 8) & 0xFF;
        if ((found >>> 16) == 0 && type != UNSIGNED_BYTE) {
            throw DataFormatException.mismatch(file.toString(), "type byte", String.format("0x%02X (%s)", type, typeName(type)),
                    String.format("0x%02X (unsigned byte)", UNSIGNED_BYTE));
        }
        String hint = found == IMAGES_MAGIC ? "; this is an IDX images file"
                : found == LABELS_MAGIC ? "; this is an IDX labels file"
                : (found >>> 16) == 0x1f8b ? "" : (found >>> 16) != 0 ? "; not an IDX file" : "";
        throw DataFormatException.mismatch(file.toString(), "magic number", String.format("0x%08X", found),
                String.format("0x%08X (%s)%s", expected, kind, hint));
    }

    /** Decompresses exactly {@code count} data bytes and checks that the stream ends there. */
    private static byte[] readExactly(InputStream in, int count, Path file, int headerBytes, int[] dims) throws IOException {
        byte[] data = new byte[Math.min(count, FIRST_CHUNK)];
        int filled = 0;
        while (filled < count) {
            if (filled == data.length) {
                data = Arrays.copyOf(data, (int) Math.min(count, 2L * data.length));
            }
            int n = in.read(data, filled, data.length - filled);
            if (n < 0) {
                throw DataFormatException.mismatch(file.toString(), "decompressed data length", (headerBytes + filled) + " bytes",
                        (headerBytes + (long) count) + " (" + headerBytes + "-byte header + " + describe(dims) + " bytes; file truncated?)");
            }
            filled += n;
        }
        long extra = 0;
        while (in.read() >= 0) {
            extra++;
            if (extra > 1 << 20) {
                break;
            }
        }
        if (extra > 0) {
            throw new DataFormatException(file, "decompressed data continues " + (extra > 1 << 20 ? "more than 1 MiB" : extra + " bytes")
                    + " past the " + (headerBytes + (long) count) + " bytes its header describes");
        }
        return data;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private static String describe(byte[] header, int dimensionCount) {
        StringBuilder s = new StringBuilder();
        for (int d = 0; d < dimensionCount; d++) {
            s.append(d == 0 ? "" : " x ").append(readInt(header, 4 + 4 * d) & 0xFFFFFFFFL);
        }
        return s.toString();
    }

    private static String describe(int[] dims) {
        StringBuilder s = new StringBuilder();
        for (int d : dims) {
            s.append(s.isEmpty() ? "" : " x ").append(d);
        }
        return s.toString();
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "unknown";
        };
    }
}
