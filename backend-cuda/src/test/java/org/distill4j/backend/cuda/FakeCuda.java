package org.distill4j.backend.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendProvider;
import org.distill4j.backend.device.KernelSources;

/**
 * The fake CUDA driver of {@code src/test/fake-cuda}: a {@code libcuda.so.1} that runs the real
 * kernel sources on the CPU and a {@code libcublas.so.12} and {@code libcublas.so.13} whose sgemm follows cuBLAS's definition,
 * so the backend's JCuda code path runs without a GPU. Built here with g++ into
 * {@code target/fake-cuda/driver} and {@code target/fake-cuda/cublas} (rebuilt when a source
 * changes), then either put on a child JVM's {@code LD_LIBRARY_PATH} ({@link #environment}) or
 * loaded into this JVM ({@link #loadIntoThisJvm()}) before JCuda loads its natives, which then
 * bind to the fakes. Tests that load it in-process carry the tag {@value #TAG} and run in their own
 * surefire execution, so no other test sees the fake driver.
 */
public final class FakeCuda {
    /** The JUnit tag of tests that load the fake driver into their JVM. */
    public static final String TAG = "fake-cuda";

    private static final Path SOURCES = Path.of("src", "test", "fake-cuda");
    /** The CUDA dialect header and the shared kernel sources. */
    private static final Path DIALECT = Path.of("src", "main", "cuda");
    static final Path KERNELS = Path.of("..", "backend-device", "src", "main", "kernels");
    private static final Path OUT = Path.of("target", "fake-cuda");

    private static Path built;
    private static String buildFailure;
    private static String loadFailure;
    private static boolean loaded;

    private FakeCuda() {
    }

    /** The folder holding the fake {@code libcuda.so.1}; builds it first. Null (see {@link #failure()}) if it cannot be built. */
    static synchronized Path driverDir() {
        build();
        return built == null ? null : built.resolve("driver");
    }

    /** The folder holding the fake {@code libcublas.so.12}. */
    static synchronized Path cublasDir() {
        build();
        return built == null ? null : built.resolve("cublas");
    }

    /** The folder holding the fake {@code libcublas.so.13}. */
    static synchronized Path cublas13Dir() {
        build();
        return built == null ? null : built.resolve("cublas13");
    }

    /** Why the fake driver is unavailable, or null. */
    static synchronized String failure() {
        build();
        return buildFailure != null ? buildFailure : loadFailure;
    }

    /**
     * Loads the fake {@code libcuda.so.1} and {@code libcublas.so.12} into this JVM, so JCuda's
     * natives bind to them; must run before anything loads JCuda's natives. Returns why not, or null.
     * With the system property {@code fake.cublas=13} it loads {@code libcublas.so.13} instead, which
     * the FFM binding then finds by its soname, while JCublas2 finds no {@code libcublas.so.12}.
     */
    static synchronized String loadIntoThisJvm() {
        if (loaded || failure() != null) {
            return failure();
        }
        try {
            System.load(driverDir().resolve("libcuda.so.1").toAbsolutePath().toString());
            boolean cublas13 = "13".equals(System.getProperty("fake.cublas"));
            Path cublas = cublas13 ? cublas13Dir().resolve("libcublas.so.13") : cublasDir().resolve("libcublas.so.12");
            System.load(cublas.toAbsolutePath().toString());
            loaded = true;
        } catch (UnsatisfiedLinkError e) {
            loadFailure = "the fake CUDA driver did not load: " + e.getMessage();
        }
        return loadFailure;
    }

    /**
     * A provider for the conformance suite: the real {@link CudaBackendProvider} running on the
     * fake driver loaded into this JVM, or unavailable with the reason the fake could not be built.
     */
    public static BackendProvider provider() {
        String failure = loadIntoThisJvm();
        CudaBackendProvider real = new CudaBackendProvider();
        return new BackendProvider() {
            @Override
            public String name() {
                return real.name();
            }

            @Override
            public int priority() {
                return real.priority();
            }

            @Override
            public String artifact() {
                return real.artifact();
            }

            @Override
            public Availability probe(BackendConfig config) {
                return failure != null ? Availability.unavailable(failure) : real.probe(config);
            }

            @Override
            public Backend create(BackendConfig config) {
                return real.create(config);
            }
        };
    }

    /** {@code LD_LIBRARY_PATH} for a child JVM: the fake driver, and the fake libcublas.so.12 too when {@code withCublas}. */
    static String libraryPath(boolean withCublas) {
        String driver = driverDir().toAbsolutePath().toString();
        return withCublas ? driver + ":" + cublasDir().toAbsolutePath() : driver;
    }

    private static void build() {
        if (built != null || buildFailure != null) {
            return;
        }
        try {
            if (!Files.isDirectory(SOURCES) || !Files.isDirectory(DIALECT) || !Files.isDirectory(KERNELS)) {
                buildFailure = "the fake CUDA driver's sources are not here (run the tests from backend-cuda/)";
                return;
            }
            String stamp = inputsHash();
            Path stampFile = OUT.resolve("inputs.sha256");
            if (Files.exists(stampFile) && Files.readString(stampFile).equals(stamp)
                    && Files.exists(OUT.resolve("driver/libcuda.so.1")) && Files.exists(OUT.resolve("cublas/libcublas.so.12"))
                    && Files.exists(OUT.resolve("cublas13/libcublas.so.13"))) {
                built = OUT;
                return;
            }
            Path gen = OUT.resolve("gen");
            Files.createDirectories(gen);
            Files.createDirectories(OUT.resolve("driver"));
            Files.createDirectories(OUT.resolve("cublas"));
            Files.createDirectories(OUT.resolve("cublas13"));
            Files.writeString(gen.resolve("kernels.inc"), kernelList());
            String error = compile(List.of("-Wl,-soname,libcuda.so.1",
                    "-Wl,--version-script=" + SOURCES.resolve("libcuda.map"), "-I" + DIALECT, "-I" + KERNELS, "-I" + gen,
                    SOURCES.resolve("fake_cuda.cpp").toString(), "-o", OUT.resolve("driver/libcuda.so.1").toString()));
            if (error == null) {
                error = compile(List.of("-Wl,-soname,libcublas.so.12",
                        "-Wl,--version-script=" + SOURCES.resolve("libcublas.map"),
                        SOURCES.resolve("fake_cublas.cpp").toString(), "-o", OUT.resolve("cublas/libcublas.so.12").toString()));
            }
            if (error == null) {
                error = compile(List.of("-Wl,-soname,libcublas.so.13", "-DFAKE_CUBLAS_VERSION=130000",
                        "-Wl,--version-script=" + SOURCES.resolve("libcublas13.map"),
                        SOURCES.resolve("fake_cublas.cpp").toString(), "-o", OUT.resolve("cublas13/libcublas.so.13").toString()));
            }
            if (error != null) {
                buildFailure = error;
                return;
            }
            Files.writeString(stampFile, stamp);
            built = OUT;
        } catch (IOException e) {
            buildFailure = "building the fake CUDA driver failed: " + e;
        }
    }

    /** {@code REGISTER_KERNEL(name)} for every kernel of the sources, for the fake's registry. */
    static String kernelList() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path source : sorted(KERNELS, ".kernel")) {
            for (String name : KernelSources.kernels(Files.readString(source))) {
                sb.append("REGISTER_KERNEL(").append(name).append(")\n");
            }
        }
        return sb.toString();
    }

    private static String compile(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("g++", "-std=c++17", "-O2", "-g", "-fPIC", "-shared",
                "-Wall", "-Wextra"));
        command.addAll(args);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return "g++ is not available to build the fake CUDA driver (" + e.getMessage() + ")";
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "g++ took over 5 minutes building the fake CUDA driver";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while building the fake CUDA driver";
        }
        return process.exitValue() == 0 ? null : "g++ failed building the fake CUDA driver:\n" + output;
    }

    private static String inputsHash() throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<Path> inputs = new ArrayList<>(sorted(SOURCES, ""));
            inputs.addAll(sorted(DIALECT, ""));
            inputs.addAll(sorted(KERNELS, ""));
            for (Path p : inputs) {
                digest.update(p.toString().getBytes(StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(p));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> sorted(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(suffix) && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
