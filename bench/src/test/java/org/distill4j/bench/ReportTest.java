package org.distill4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report reads JMH's JSON and puts each distill4j number beside its peer as a ratio. */
class ReportTest {
    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ReportTest.class.getResource(name).toURI());
    }

    @Test
    void readsScoresParametersAndAllocation() throws Exception {
        List<Report.Result> results = Report.readJmh(resource("jmh-sample.json"));
        assertEquals(4, results.size());
        Report.Result cpu = results.get(0);
        assertEquals("GemmBench.gemm", cpu.benchmark());
        assertEquals("cpu", cpu.param("impl"));
        assertEquals(1000.0, cpu.score());
        assertEquals(16.0, cpu.allocPerOp());
        assertTrue(Double.isNaN(results.get(3).error()), "JMH writes \"NaN\" as a string when there is one iteration");
    }

    @Test
    void gemmRatiosAreThroughputRatiosAgainstEachPeer() throws Exception {
        Path jmh = resource("jmh-sample.json");
        String md = new Report(Report.readJmh(jmh), Report.readJvm(jmh), null).render();
        // 2*128*784*1200 flops in 1000 us = 240.8 GFLOP/s for cpu; OpenBLAS took 800 us, EJML 4000 us.
        assertTrue(md.contains("| `NN:128x784x1200` | 241 | 301 | 60.2 |"), md);
        assertTrue(md.contains("| 0.80x | 4.00x |"), md);
        assertTrue(md.contains("JDK 25.0.3"), md);
    }

    @Test
    void gemmIsAPercentageOfThePeakAtItsThreadCountAndAboveThePeakIsAnError() throws Exception {
        Path jmh = resource("jmh-sample-peak.json");
        String md = new Report(Report.readJmh(jmh), Report.readJvm(jmh), null).render();
        // Peak: 100 GFLOP/s on 1 thread, 280 on 2. cpu 241 of 280 (2 threads), OpenBLAS 301 of 280,
        // EJML (single-threaded whatever its threads parameter) 60.2 of 100.
        assertTrue(md.contains("| `jmh-sample-peak.json` | 100 ± 2.00 | 280 ± 2.00 |"), md);
        assertTrue(md.contains("| `NN:128x784x1200` | 241 | 301 | 60.2 | 86% | **108% > peak: error** | 60% |"), md);
        assertTrue(md.contains("**Warning, measurement error:** `openblas` at `NN:128x784x1200` ran at 301 GFLOP/s on 2 threads,"
                + " 108% of the FMA peak of 280 GFLOP/s measured in the same JMH run"), md);
        assertTrue(md.contains("| 0.80x | 4.00x |"), "the ratios are still there: " + md);
    }

    @Test
    void withoutAPeakTheGemmTableSaysSoAndKeepsItsColumns() throws Exception {
        Path jmh = resource("jmh-sample.json");
        String md = new Report(Report.readJmh(jmh), Report.readJvm(jmh), null).render();
        assertTrue(md.contains("No `PeakFmaBench` result in these files"), md);
        assertTrue(!md.contains("% of peak"), md);
    }

    @Test
    void aPeakFromAnotherFileOfTheRunIsUsedAndNamed() throws Exception {
        List<Report.Result> results = new java.util.ArrayList<>(Report.readJmh(resource("jmh-sample.json")));
        results.addAll(Report.readJmh(resource("jmh-sample-peak.json")).stream()
                .filter(r -> r.benchmark().startsWith("PeakFmaBench")).toList());
        String md = new Report(results, "test", null).render();
        assertTrue(md.contains("| 86% | **108% > peak: error** | 60% |"), md);
        assertTrue(md.contains("measured in `jmh-sample-peak.json` (not the same JMH run)"), md);
    }

    @Test
    void stepComparesExamplesPerSecondWithPyTorch() throws Exception {
        Path jmh = resource("jmh-sample.json");
        var pytorch = JsonParser.parseString("""
                {"torch": "1.13", "blas": "openblas", "cpu_capability": "AVX2", "env": {"ATEN_CPU_CAPABILITY": "avx2"},
                 "wait_policy": "PASSIVE", "best": {"omp": 1, "interop": 1, "blas": 2},
                 "sweep": [{"omp": 1, "interop": 1, "blas": 2, "step.forward": {"mean_s": 0.032}}],
                 "results": {"step.forward": {"mean_s": 0.032}}}""").getAsJsonObject();
        String md = new Report(Report.readJmh(jmh), Report.readJvm(jmh), pytorch).render();
        // distill4j: 128 examples in 16 ms = 8000/s; PyTorch: 128 in 32 ms = 4000/s.
        assertTrue(md.contains("| cpu | forward | 128 | 16.0 | 8000 |"), md);
        assertTrue(md.contains("| 4000 | 2.00x |"), md);
        assertTrue(md.contains("BLAS `openblas`, CPU capability AVX2, ATEN_CPU_CAPABILITY=avx2, OMP_WAIT_POLICY=PASSIVE"), md);
    }

    @Test
    void formatsThreeSignificantDigits() {
        assertEquals("1235", Report.fmt(1234.5));
        assertEquals("12.3", Report.fmt(12.34));
        assertEquals("1.23", Report.fmt(1.234));
        assertEquals("0.123", Report.fmt(0.1234));
        assertEquals("-", Report.fmt(Double.NaN));
    }
}
