package org.distill4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.distill4j.backend.Backends.Candidate;
import org.distill4j.backend.TestProviders.Fake;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Backends")
class BackendsTest {

    private static Candidate candidate(Fake provider) {
        return new Candidate(provider, provider.probe(BackendConfig.defaults()));
    }

    /** cuda (priority 100) unavailable, opencl (50) available, cpu (0) available, as discover() would sort them. */
    private static List<Candidate> typical() {
        return List.of(
                candidate(Fake.unavailable("cuda", 100, "libcuda.so.1 not found")),
                candidate(Fake.available("opencl", 50)),
                candidate(Fake.available("cpu", 0)));
    }

    private static String message(BackendConfig config, List<Candidate> candidates) {
        return assertThrows(BackendUnavailableException.class, () -> Backends.choose(candidates, config)).getMessage();
    }

    @Nested
    @DisplayName("choose")
    class Choose {
        @Test
        @DisplayName("without a name picks the highest-priority available backend, skipping unavailable ones")
        void bestAvailable() {
            assertEquals("opencl", Backends.choose(typical(), BackendConfig.defaults()).name());
        }

        @Test
        @DisplayName("with a name picks that backend even when another has a higher priority")
        void namedAvailable() {
            assertEquals("cpu", Backends.choose(typical(), BackendConfig.named("cpu")).name());
        }

        @Test
        @DisplayName("matches names ignoring case and surrounding blanks")
        void nameIsNormalised() {
            assertEquals("opencl", Backends.choose(typical(), BackendConfig.named("  OpenCL ")).name());
        }

        @Test
        @DisplayName("a requested but unavailable backend is an error giving its reason and listing every candidate")
        void namedUnavailable() {
            String message = message(BackendConfig.named("cuda"), typical());
            assertTrue(message.contains("'cuda' was requested but is unavailable: libcuda.so.1 not found"), message);
            assertTrue(message.contains("opencl") && message.contains("cpu"), message);
        }

        @Test
        @DisplayName("a requested backend that is not on the class path is an error naming the artifact to add")
        void namedMissingKnown() {
            List<Candidate> onlyCpu = List.of(candidate(Fake.available("cpu", 0)));
            String message = message(BackendConfig.named("opencl"), onlyCpu);
            assertTrue(message.contains("no provider of that name was found"), message);
            assertTrue(message.contains("org.distill4j:distill4j-backend-opencl"), message);
            assertTrue(message.contains(BackendConfig.BACKEND_PROPERTY) && message.contains(BackendConfig.BACKEND_ENV), message);
        }

        @Test
        @DisplayName("an unknown backend name is an error listing the known backends")
        void namedUnknown() {
            String message = message(BackendConfig.named("tpu"), typical());
            assertTrue(message.contains("'tpu'") && message.contains("known backends are cpu, cuda, opencl"), message);
        }

        @Test
        @DisplayName("with nothing available the error names the CPU artifact and every reason")
        void noneAvailable() {
            List<Candidate> none = List.of(
                    candidate(Fake.unavailable("cuda", 100, "libcuda.so.1 not found")),
                    candidate(Fake.unavailable("opencl", 50, "no OpenCL platform")));
            String message = message(BackendConfig.defaults(), none);
            assertTrue(message.contains("org.distill4j:distill4j-backend-cpu"), message);
            assertTrue(message.contains("libcuda.so.1 not found") && message.contains("no OpenCL platform"), message);
        }

        @Test
        @DisplayName("with no candidate at all the error says no backend was found")
        void emptyClassPath() {
            String message = message(BackendConfig.defaults(), List.of());
            assertTrue(message.contains("no backend found on the class path"), message);
        }
    }

    @Nested
    @DisplayName("report")
    class Report {
        @Test
        @DisplayName("lists every candidate with priority, status and reason, and marks the chosen one")
        void table() {
            List<Candidate> candidates = typical();
            String report = Backends.report(candidates, candidates.get(1));
            String[] lines = report.split("\n");
            assertEquals(3, lines.length, report);
            assertTrue(lines[0].contains("cuda") && lines[0].contains("100") && lines[0].contains("unavailable")
                    && lines[0].contains("libcuda.so.1 not found") && !lines[0].trim().startsWith("*"), report);
            assertTrue(lines[1].trim().startsWith("*") && lines[1].contains("opencl") && lines[1].contains(" available"), report);
            assertFalse(lines[2].trim().startsWith("*"), report);
        }
    }

    @Nested
    @DisplayName("discover")
    class Discover {
        @TempDir
        Path dir;

        private ClassLoader withServices(String... providerClasses) throws IOException {
            Path services = dir.resolve("META-INF/services/" + BackendProvider.class.getName());
            Files.createDirectories(services.getParent());
            Files.write(services, List.of(providerClasses));
            return new URLClassLoader(new URL[] {dir.toUri().toURL()}, BackendsTest.class.getClassLoader());
        }

        private static String nested(Class<?> c) {
            return c.getName();
        }

        @Test
        @DisplayName("probes every provider and sorts them by priority, then name")
        void sortsByPriority() throws IOException {
            ClassLoader loader = withServices(nested(TestProviders.Bravo.class), nested(TestProviders.Alpha.class),
                    nested(TestProviders.Gpu.class));
            List<Candidate> found = Backends.discover(loader);
            assertEquals(List.of("gpu", "alpha", "bravo"), found.stream().map(Candidate::name).toList());
            assertFalse(found.get(0).availability().available());
            assertEquals("no device found", found.get(0).availability().reason());
        }

        @Test
        @DisplayName("turns a throwing, unlinkable or silent probe into an unavailable answer with a reason")
        void brokenProbesAreUnavailable() throws IOException {
            ClassLoader loader = withServices(nested(TestProviders.Throwing.class), nested(TestProviders.Unlinked.class),
                    nested(TestProviders.Silent.class), nested(TestProviders.Alpha.class));
            List<Candidate> found = Backends.discover(loader);
            assertEquals(List.of("throwing", "unlinked", "silent", "alpha"), found.stream().map(Candidate::name).toList());
            assertTrue(found.get(0).availability().reason().contains("probe failed") && found.get(0).availability().reason().contains("boom"));
            assertTrue(found.get(1).availability().reason().contains("UnsatisfiedLinkError"));
            assertEquals("probe returned nothing", found.get(2).availability().reason());
            assertEquals("alpha", Backends.choose(found, BackendConfig.defaults()).name());
        }

        @Test
        @DisplayName("skips a provider class that cannot be loaded and keeps the others")
        void skipsMissingProvider() throws IOException {
            ClassLoader loader = withServices("org.distill4j.backend.NoSuchProvider", nested(TestProviders.Alpha.class));
            assertEquals(List.of("alpha"), Backends.discover(loader).stream().map(Candidate::name).toList());
        }

        @Test
        @DisplayName("does not swallow an OutOfMemoryError thrown by a probe")
        void outOfMemoryPropagates() throws IOException {
            ClassLoader loader = withServices(nested(TestProviders.OutOfMemory.class));
            assertThrows(OutOfMemoryError.class, () -> Backends.discover(loader));
        }

        @Test
        @DisplayName("create() makes the selected backend from the context class loader's providers")
        void createUsesContextClassLoader() throws IOException {
            ClassLoader loader = withServices(nested(TestProviders.Alpha.class), nested(TestProviders.Bravo.class),
                    nested(TestProviders.Gpu.class));
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try (Backend best = Backends.create(BackendConfig.defaults());
                 Backend named = Backends.create(BackendConfig.named("bravo"))) {
                assertInstanceOf(FakeBackend.class, best);
                assertEquals("alpha", best.name());
                assertEquals("bravo", named.name());
                assertThrows(BackendUnavailableException.class, () -> Backends.create(BackendConfig.named("gpu")));
            } finally {
                thread.setContextClassLoader(previous);
            }
        }

        @Test
        @DisplayName("sorts by the priority a probe answered with in place of the provider's own, and reports it")
        void probedPriorityWins() throws IOException {
            List<Candidate> found = Backends.discover(withServices(nested(TestProviders.Demoted.class),
                    nested(TestProviders.Alpha.class)));
            assertEquals(List.of("alpha", "demoted"), found.stream().map(Candidate::name).toList());
            assertEquals(50, found.get(1).provider().priority());
            assertEquals(-1, found.get(1).priority());
            assertTrue(Backends.report(found, null).contains("demoted  priority  -1"), Backends.report(found, null));
        }

        @Test
        @DisplayName("probes with the config it is given, and create() probes with the config it makes the backend from")
        void probesWithTheConfig() throws IOException {
            ClassLoader loader = withServices(nested(TestProviders.Picky.class), nested(TestProviders.Alpha.class));
            BackendConfig device1 = BackendConfig.defaults().withOption("picky", "device", "1");
            assertFalse(Backends.discover(loader).get(0).availability().available());
            assertTrue(Backends.discover(loader, device1).get(0).availability().available());
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try (Backend best = Backends.create(BackendConfig.defaults()); Backend picky = Backends.create(device1)) {
                assertEquals("alpha", best.name());
                assertEquals("picky", picky.name());
            } finally {
                thread.setContextClassLoader(previous);
            }
        }

        @Test
        @DisplayName("candidates keep the provider they came from")
        void candidateKeepsProvider() throws IOException {
            Candidate c = Backends.discover(withServices(nested(TestProviders.Alpha.class))).get(0);
            assertInstanceOf(TestProviders.Alpha.class, c.provider());
            assertSame(c.provider().name(), c.name());
        }
    }
}
