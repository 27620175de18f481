package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.distill4j.io.DataFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** An IDX file: magic, dimension sizes (big-endian), then data. */
    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    /** {@code count} images of {@code rows x cols} with pixel value {@code (image + pixel) % 256}. */
    static byte[] images(int count, int rows, int cols) {
        byte[] data = new byte[count * rows * cols];
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < rows * cols; p++) {
                data[i * rows * cols + p] = (byte) ((i + p) % 256);
            }
        }
        return idx(IdxReader.IMAGES_MAGIC, new int[] {count, rows, cols}, data);
    }

    static byte[] labels(int... values) {
        byte[] data = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            data[i] = (byte) values[i];
        }
        return idx(IdxReader.LABELS_MAGIC, new int[] {values.length}, data);
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static String rejected(Path file, ThrowingRead read) {
        DataFormatException e = assertThrows(DataFormatException.class, read::run);
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e.getMessage();
    }

    private interface ThrowingRead {
        void run() throws IOException;
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected '" + part + "' in: " + message);
        }
    }

    // ---- good files ----

    @Test
    void readsImagesScaledToUnitRange() throws IOException {
        byte[] data = {0, (byte) 255, 51, 102, (byte) 128, 1};
        Path file = file("im", idx(IdxReader.IMAGES_MAGIC, new int[] {1, 2, 3}, data));
        IdxReader.Images im = IdxReader.readImages(file);
        assertEquals(1, im.count());
        assertEquals(2, im.rows());
        assertEquals(3, im.cols());
        assertArrayEquals(new float[] {0, 1, 0.2f, 0.4f, 128 / 255f, 1 / 255f}, im.pixels());
    }

    @Test
    void readsImagesAndLabelsIntoADataset() throws IOException {
        Dataset d = IdxReader.read(file("im", images(3, 2, 2)), file("lb", labels(7, 0, 9)), 10);
        assertEquals(3, d.size());
        assertEquals(4, d.featureCount());
        assertEquals(new Dataset.ImageShape(1, 2, 2), d.imageShape().orElseThrow());
        assertArrayEquals(new int[] {7, 0, 9}, d.labels());
        float[] row = new float[4];
        d.features(2, row);
        assertArrayEquals(new float[] {2 / 255f, 3 / 255f, 4 / 255f, 5 / 255f}, row);
    }

    @Test
    void gzipIsRecognisedByItsMagicBytesNotItsName() throws IOException {
        Path gzNoSuffix = file("images", gzip(images(2, 3, 3)));
        Path rawWithSuffix = file("labels.gz", labels(1, 2));
        assertTrue(IdxReader.isGzip(gzNoSuffix));
        assertFalse(IdxReader.isGzip(rawWithSuffix));
        Dataset d = IdxReader.read(gzNoSuffix, rawWithSuffix, 10);
        assertArrayEquals(new int[] {1, 2}, d.labels());
        assertArrayEquals(IdxReader.readImages(file("raw", images(2, 3, 3))).pixels(), IdxReader.readImages(gzNoSuffix).pixels());
    }

    @Test
    void gzipLargerThanTheFirstBufferIsReadCompletely() throws IOException {
        Path file = file("big.gz", gzip(images(300, 240, 240)));
        IdxReader.Images im = IdxReader.readImages(file);
        assertEquals(300 * 240 * 240, im.pixels().length);
        assertEquals(((299 + 57_599) % 256) / 255f, im.pixels()[im.pixels().length - 1]);
    }

    // ---- wrong magic or type ----

    @Test
    void labelsFileWhereImagesAreExpected() throws IOException {
        Path file = file("t10k-labels-idx1-ubyte", images(1, 1, 1));
        assertContains(rejected(file, () -> IdxReader.readLabels(file, 10)),
                "t10k-labels-idx1-ubyte: magic number 0x00000803, expected 0x00000801 (IDX labels); this is an IDX images file");
        Path labels = file("train-images-idx3-ubyte", labels(1));
        assertContains(rejected(labels, () -> IdxReader.readImages(labels)),
                "magic number 0x00000801, expected 0x00000803 (IDX images); this is an IDX labels file");
    }

    @Test
    void wrongTypeByte() throws IOException {
        Path file = file("floats", idx(0x00000D03, new int[] {1, 1, 1}, new byte[4]));
        assertContains(rejected(file, () -> IdxReader.readImages(file)), "type byte 0x0D (float), expected 0x08 (unsigned byte)");
    }

    @Test
    void notAnIdxFileAtAll() throws IOException {
        Path file = file("page.html", "<html><body>Not Found</body></html>".getBytes());
        assertContains(rejected(file, () -> IdxReader.readImages(file)), "magic number 0x3C68746D, expected 0x00000803 (IDX images); not an IDX file");
    }

    // ---- truncated or oversized ----

    @Test
    void emptyOrHeaderOnlyFiles() throws IOException {
        Path empty = file("empty", new byte[0]);
        assertContains(rejected(empty, () -> IdxReader.readImages(empty)), "file is 0 bytes, too short for the 4-byte magic number");
        Path partial = file("partial", Arrays.copyOf(images(1, 2, 2), 10));
        assertContains(rejected(partial, () -> IdxReader.readImages(partial)), "header ends after 10 bytes, expected 16");
    }

    @Test
    void truncatedRawData() throws IOException {
        byte[] full = images(2, 3, 3);
        Path file = file("im", Arrays.copyOf(full, full.length - 1));
        assertContains(rejected(file, () -> IdxReader.readImages(file)),
                "file length 33 bytes, expected 34 (16-byte header + 2 x 3 x 3 bytes; file truncated?)");
    }

    @Test
    void trailingRawData() throws IOException {
        byte[] full = labels(1, 2, 3);
        Path file = file("lb", Arrays.copyOf(full, full.length + 5));
        assertContains(rejected(file, () -> IdxReader.readLabels(file, 10)), "file length 16 bytes, expected 11 (8-byte header + 3 bytes)");
    }

    @Test
    void hugeSizesInATinyFileAreRejectedWithoutAllocating() throws IOException {
        Path file = file("im", idx(IdxReader.IMAGES_MAGIC, new int[] {-1, -1, -1}, new byte[8]));
        assertContains(rejected(file, () -> IdxReader.readImages(file)),
                "dimension sizes 4294967295 x 4294967295 x 4294967295 give more than");
        Path lying = file("im2", idx(IdxReader.IMAGES_MAGIC, new int[] {60_000, 28, 28}, new byte[8]));
        assertContains(rejected(lying, () -> IdxReader.readImages(lying)), "file length 24 bytes, expected 47040016");
    }

    @Test
    void truncatedGzip() throws IOException {
        byte[] gz = gzip(images(20, 28, 28));
        Path file = file("im.gz", Arrays.copyOf(gz, gz.length / 2));
        assertContains(rejected(file, () -> IdxReader.readImages(file)), "gzip data ends early");
    }

    @Test
    void gzipWhoseHeaderPromisesMoreThanItHolds() throws IOException {
        Path file = file("im.gz", gzip(idx(IdxReader.IMAGES_MAGIC, new int[] {60_000, 28, 28}, new byte[100])));
        assertContains(rejected(file, () -> IdxReader.readImages(file)),
                "decompressed data length 116 bytes, expected 47040016 (16-byte header + 60000 x 28 x 28 bytes; file truncated?)");
    }

    @Test
    void gzipWithDataPastTheHeaderSize() throws IOException {
        byte[] raw = labels(1, 2);
        Path file = file("lb.gz", gzip(Arrays.copyOf(raw, raw.length + 3)));
        assertContains(rejected(file, () -> IdxReader.readLabels(file, 10)), "decompressed data continues 3 bytes past the 10 bytes");
    }

    @Test
    void corruptGzip() throws IOException {
        byte[] gz = gzip(images(2, 28, 28));
        for (int i = 20; i < 60; i++) {
            gz[i] ^= 0x5A;
        }
        Path file = file("im.gz", gz);
        assertContains(rejected(file, () -> IdxReader.readImages(file)), "gzip data");
    }

    // ---- contents ----

    @Test
    void labelOutOfRange() throws IOException {
        Path file = file("lb", labels(1, 9, 10, 3));
        assertContains(rejected(file, () -> IdxReader.readLabels(file, 10)), "label 10 at index 2, expected 0 to 9");
        assertArrayEquals(new int[] {1, 9, 10, 3}, IdxReader.readLabels(file, 11));
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        Path im = file("im", images(3, 2, 2));
        Path lb = file("lb", labels(1, 2));
        assertContains(rejected(lb, () -> IdxReader.read(im, lb, 10)), "label count 2, expected 3 (the image count of " + im + ")");
    }

    // ---- MNIST directory ----

    @Test
    void mnistLoadsTheFourFilesRawOrGzipped() throws IOException {
        file(Mnist.TRAIN_IMAGES, images(5, 28, 28));
        file(Mnist.TRAIN_LABELS + ".gz", gzip(labels(0, 1, 2, 3, 4)));
        file(Mnist.TEST_IMAGES + ".gz", gzip(images(2, 28, 28)));
        file(Mnist.TEST_LABELS, labels(9, 8));
        Mnist.Split split = Mnist.load(dir);
        assertEquals(5, split.train().size());
        assertEquals(784, split.train().featureCount());
        assertEquals(10, split.train().classCount());
        assertArrayEquals(new int[] {9, 8}, split.test().labels());
    }

    @Test
    void aMissingMnistFileIsNamedWithHowToGetIt() throws IOException {
        file(Mnist.TRAIN_IMAGES, images(1, 28, 28));
        file(Mnist.TRAIN_LABELS, labels(0));
        file(Mnist.TEST_LABELS, labels(0));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Mnist.load(dir));
        assertContains(e.getMessage(), "MNIST file t10k-images-idx3-ubyte (or t10k-images-idx3-ubyte.gz) not found in",
                "MnistFetcher.fetch", "npm", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");
    }
}
