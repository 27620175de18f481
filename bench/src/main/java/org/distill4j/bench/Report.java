package org.distill4j.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns a JMH JSON result ({@code -rf json}) and, when given, {@code bench/pytorch_step.py}'s
 * JSON into Markdown tables in which every distill4j number stands beside the peer measured in
 * the same run, as a ratio. Every gemm figure is also given as a fraction of the float FMA peak
 * that {@link PeakFmaBench} measured in the same JMH file (same run, same JVM options) at the
 * same thread count; a figure above that peak is flagged as a measurement error, in its cell and
 * in a warning after the table (and on standard error).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.distill4j.bench.Report [--pytorch pytorch.json] jmh-1.json jmh-2.json ...
 * </pre>
 */
public final class Report {
    private static final String PKG = "org.distill4j.bench.";

    /**
     * One JMH result: benchmark, parameters, score and error in the benchmark's unit, bytes
     * allocated per op, and the file it was read from (results of one file come from one JMH run).
     */
    record Result(String benchmark, Map<String, String> params, double score, double error, String unit, double allocPerOp,
                  String source) {
        String param(String name) {
            return params.getOrDefault(name, "");
        }
    }

    private final List<Result> results;
    private final String jvm;
    private final JsonObject pytorch;
    private final StringBuilder out = new StringBuilder();

    Report(List<Result> results, String jvm, JsonObject pytorch) {
        this.results = results;
        this.jvm = jvm;
        this.pytorch = pytorch;
    }

    public static void main(String[] args) throws IOException {
        List<Path> jmh = new ArrayList<>();
        JsonObject pytorch = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--pytorch") && i + 1 < args.length) {
                pytorch = JsonParser.parseString(Files.readString(Path.of(args[++i]))).getAsJsonObject();
            } else {
                jmh.add(Path.of(args[i]));
            }
        }
        if (jmh.isEmpty()) {
            System.err.println("usage: Report [--pytorch PYTORCH_JSON] JMH_JSON...");
            System.exit(2);
        }
        List<Result> results = new ArrayList<>();
        for (Path p : jmh) {
            results.addAll(readJmh(p));
        }
        System.out.print(new Report(results, readJvm(jmh.get(0)), pytorch).render());
    }

    /**
     * The JDK and JVM options of the first result other than the FMA peak's (whose fork has fewer
     * options) if there is one, e.g. {@code JDK 25.0.3 (OpenJDK 64-Bit Server VM 25.0.3+9-LTS), ...}.
     */
    static String readJvm(Path file) throws IOException {
        JsonArray all = JsonParser.parseString(Files.readString(file)).getAsJsonArray();
        if (all.isEmpty()) {
            return "no results";
        }
        JsonObject o = all.get(0).getAsJsonObject();
        for (JsonElement e : all) {
            if (!e.getAsJsonObject().get("benchmark").getAsString().contains("PeakFmaBench")) {
                o = e.getAsJsonObject();
                break;
            }
        }
        return "JDK " + o.get("jdkVersion").getAsString() + " (" + o.get("vmName").getAsString() + " "
                + o.get("vmVersion").getAsString() + "), JMH " + o.get("jmhVersion").getAsString()
                + ", options " + o.get("jvmArgs").toString();
    }

    static List<Result> readJmh(Path file) throws IOException {
        List<Result> list = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(Files.readString(file)).getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            Map<String, String> params = new LinkedHashMap<>();
            if (o.has("params")) {
                o.getAsJsonObject("params").entrySet().forEach(p -> params.put(p.getKey(), p.getValue().getAsString()));
            }
            JsonObject primary = o.getAsJsonObject("primaryMetric");
            double alloc = Double.NaN;
            if (o.has("secondaryMetrics") && o.getAsJsonObject("secondaryMetrics").has("gc.alloc.rate.norm")) {
                alloc = number(o.getAsJsonObject("secondaryMetrics").getAsJsonObject("gc.alloc.rate.norm").get("score"));
            }
            list.add(new Result(o.get("benchmark").getAsString().replace(PKG, ""), params,
                    number(primary.get("score")), number(primary.get("scoreError")), primary.get("scoreUnit").getAsString(), alloc,
                    String.valueOf(file.getFileName())));
        }
        return list;
    }

    private static double number(JsonElement e) {
        try {
            return e.getAsDouble();
        } catch (RuntimeException notANumber) {
            return Double.NaN;
        }
    }

    String render() {
        line("JMH: " + jvm + ".");
        line("");
        peak();
        gemm();
        softTargetLoss();
        step();
        inference();
        raw();
        return out.toString();
    }

    // ------------------------------------------------------------------ FMA peak

    /** A {@code PeakFmaBench} figure: GFLOP/s and its error at a thread count, and the file it came from. */
    record Peak(int threads, double gflops, double error, String source) {
    }

    /** Every {@code PeakFmaBench} result as GFLOP/s ({@code oneThread} is 1 thread, {@code threads} its parameter). */
    private List<Peak> peaks() {
        List<Peak> list = new ArrayList<>();
        for (Result r : results) {
            int threads;
            if (r.benchmark().equals("PeakFmaBench.oneThread")) {
                threads = 1;
            } else if (r.benchmark().equals("PeakFmaBench.threads")) {
                threads = r.param("threads").isEmpty() ? 1 : Integer.parseInt(r.param("threads"));
            } else {
                continue;
            }
            double perNs = perNanosecond(r.unit());
            list.add(new Peak(threads, r.score() * perNs, r.error() * perNs, r.source()));
        }
        return list;
    }

    /** The factor from a throughput unit ({@code ops/ns}, {@code ops/us}, ...) to ops per nanosecond, that is GFLOP/s here. */
    private static double perNanosecond(String unit) {
        return switch (unit) {
            case "ops/ns" -> 1;
            case "ops/us" -> 1e-3;
            case "ops/ms" -> 1e-6;
            case "ops/s" -> 1e-9;
            default -> Double.NaN;
        };
    }

    /**
     * The peak at {@code threads} threads from the file {@code source} (the same JMH run) if it has
     * one, else from any file of this report (the same {@code bench/run.sh} run); null if none.
     */
    private static Peak peakFor(List<Peak> peaks, String source, int threads) {
        Peak other = null;
        for (Peak p : peaks) {
            if (p.threads() == threads) {
                if (p.source().equals(source)) {
                    return p;
                }
                if (other == null) {
                    other = p;
                }
            }
        }
        return other;
    }

    private void peak() {
        List<Peak> peaks = peaks();
        if (peaks.isEmpty()) {
            return;
        }
        Set<Integer> threadCounts = new TreeSet<>();
        Set<String> sources = new LinkedHashSet<>();
        for (Peak p : peaks) {
            threadCounts.add(p.threads());
            sources.add(p.source());
        }
        line("## float FMA peak (`PeakFmaBench`, Vector API preferred species, " + PeakFmaBench.CHAINS
                + " independent FMA chains per thread; GFLOP/s)");
        line("");
        StringBuilder head = new StringBuilder("| JMH run |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int t : threadCounts) {
            head.append(' ').append(t).append(t == 1 ? " thread |" : " threads |");
            rule.append("---:|");
        }
        line(head.toString());
        line(rule.toString());
        for (String source : sources) {
            StringBuilder row = new StringBuilder("| `" + source + "` |");
            for (int t : threadCounts) {
                Peak p = peaks.stream().filter(x -> x.source().equals(source) && x.threads() == t).findFirst().orElse(null);
                row.append(' ').append(p == null ? "-" : withError(p.gflops(), p.error())).append(" |");
            }
            line(row.toString());
        }
        line("");
        line("The gemm tables give each figure as a percentage of the peak at the same thread count from the same JMH run"
                + " (EJML single-threaded: the 1-thread peak).");
        line("");
    }

    // ------------------------------------------------------------------ gemm

    private void gemm() {
        List<Result> gemms = select("GemmBench.gemm");
        List<Result> naive = select("NaiveGemmBench.gemm");
        if (gemms.isEmpty()) {
            return;
        }
        Set<String> shapes = new LinkedHashSet<>();
        Set<String> impls = new LinkedHashSet<>();
        for (Result r : gemms) {
            shapes.add(r.param("shape"));
            impls.add(r.param("impl"));
        }
        List<String> backends = impls.stream().filter(i -> !isPeer(i)).toList();
        List<String> peers = impls.stream().filter(Report::isPeer).toList();
        List<Peak> peaks = peaks();
        boolean ofPeak = !peaks.isEmpty();
        List<String> errors = new ArrayList<>();
        line("## gemm (GFLOP/s; higher is better)");
        line("");
        if (!ofPeak) {
            line("No `PeakFmaBench` result in these files, so no percentage of the FMA peak.");
            line("");
        }
        StringBuilder head = new StringBuilder("| shape |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String i : impls) {
            head.append(' ').append(i).append(" |");
            rule.append("---:|");
        }
        if (ofPeak) {
            for (String i : impls) {
                head.append(' ').append(i).append(" % of peak |");
                rule.append("---:|");
            }
        }
        if (!naive.isEmpty()) {
            head.append(" naive |");
            rule.append("---:|");
        }
        if (pytorch != null) {
            head.append(" pytorch* |");
            rule.append("---:|");
        }
        for (String b : backends) {
            for (String p : peers) {
                head.append(' ').append(b).append(" / ").append(p).append(" |");
                rule.append("---:|");
            }
            if (!naive.isEmpty()) {
                head.append(' ').append(b).append(" / naive |");
                rule.append("---:|");
            }
        }
        line(head.toString());
        line(rule.toString());
        for (String shape : shapes) {
            double flops = GemmShape.parse(shape).flops();
            StringBuilder row = new StringBuilder("| `" + shape + "` |");
            Map<String, Double> gflops = new LinkedHashMap<>();
            for (String i : impls) {
                Result r = find(gemms, "impl", i, "shape", shape);
                double g = r == null ? Double.NaN : flops / r.score() / 1e3;
                gflops.put(i, g);
                row.append(' ').append(fmt(g)).append(" |");
            }
            if (ofPeak) {
                for (String i : impls) {
                    Result r = find(gemms, "impl", i, "shape", shape);
                    row.append(' ').append(r == null ? "-" : ofPeak(r, gflops.get(i), peaks, errors)).append(" |");
                }
            }
            Result n = find(naive, "shape", shape);
            double naiveGflops = n == null ? Double.NaN : flops / n.score() / 1e3;
            if (!naive.isEmpty()) {
                row.append(' ').append(fmt(naiveGflops)).append(" |");
            }
            if (pytorch != null) {
                JsonObject g = pytorchResult("gemm." + shape);
                row.append(' ').append(fmt(g == null ? Double.NaN : number(g.get("gflops")))).append(" |");
            }
            for (String b : backends) {
                for (String p : peers) {
                    row.append(' ').append(ratio(gflops.get(b), gflops.get(p))).append(" |");
                }
                if (!naive.isEmpty()) {
                    row.append(' ').append(ratio(gflops.get(b), naiveGflops)).append(" |");
                }
            }
            line(row.toString());
        }
        line("");
        for (String e : errors) {
            line("**Warning, measurement error:** " + e);
            System.err.println("Report: measurement error: " + e);
        }
        if (!errors.isEmpty()) {
            line("");
        }
        if (pytorch != null) {
            line("\\* PyTorch `torch.mm` (from `bench/pytorch_step.py`, run right after JMH, not inside it) at its best thread setting.");
            line("");
        }
    }

    /** Threads a gemm result ran on: its {@code threads} parameter, except single-threaded EJML. */
    private static int gemmThreads(Result r) {
        if (r.param("impl").equals("ejml") || r.param("threads").isEmpty()) {
            return 1;
        }
        return Integer.parseInt(r.param("threads"));
    }

    /**
     * {@code gflops} as a percentage of the peak at the result's thread count from its own JMH
     * file; above 100%, the cell says so and {@code errors} gets a sentence for the warning lines.
     */
    private static String ofPeak(Result r, double gflops, List<Peak> peaks, List<String> errors) {
        int threads = gemmThreads(r);
        Peak peak = peakFor(peaks, r.source(), threads);
        if (peak == null || !Double.isFinite(gflops) || !(peak.gflops() > 0)) {
            return "-";
        }
        double percent = 100 * gflops / peak.gflops();
        String cell = String.format(Locale.ROOT, "%.0f%%", percent);
        if (gflops > peak.gflops()) {
            String where = peak.source().equals(r.source()) ? "in the same JMH run" : "in `" + peak.source() + "` (not the same JMH run)";
            errors.add(String.format(Locale.ROOT, "`%s` at `%s` ran at %s GFLOP/s on %d thread%s, %s of the FMA peak of %s GFLOP/s"
                            + " measured %s: a gemm cannot beat the peak, so the gemm timing, its flop count or the peak"
                            + " benchmark is wrong; this figure is not a result.",
                    r.param("impl"), r.param("shape"), fmt(gflops), threads, threads == 1 ? "" : "s", cell,
                    fmt(peak.gflops()), where));
            return "**" + cell + " > peak: error**";
        }
        return cell;
    }

    private static boolean isPeer(String impl) {
        return impl.equals("openblas") || impl.startsWith("ejml");
    }

    // ------------------------------------------------------------------ soft-target loss

    private void softTargetLoss() {
        List<Result> loss = select("SoftTargetLossBench.softTargetLoss");
        List<Result> copy = select("CopyBench.copy");
        if (loss.isEmpty()) {
            return;
        }
        Result dram = copy.stream().max((x, y) -> Integer.compare(Integer.parseInt(x.param("floats")),
                Integer.parseInt(y.param("floats")))).orElse(null);
        double dramBandwidth = dram == null ? Double.NaN : bandwidth(dram);
        line("## fused soft-target loss, batch 128, T = 20 (microseconds per call; lower is better)");
        line("");
        if (dram != null) {
            line(String.format(Locale.ROOT, "Copy bandwidth (one thread, read + write): DRAM %.1f GB/s (%s floats)%s.",
                    dramBandwidth, dram.param("floats"), cacheBandwidths(copy)));
            line("");
        }
        line("| backend | classes | time (us) | bytes moved | bound from DRAM (us) | time / DRAM bound | bound in cache (us) | time / cache bound | alloc (B/call) |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : loss) {
            int classes = Integer.parseInt(r.param("classes"));
            long bytes = SoftTargetLossBench.streamedBytes(classes);
            double dramBound = bytes / dramBandwidth / 1e3;
            Result same = find(copy, "floats", Integer.toString(3 * SoftTargetLossBench.BATCH * classes / 2));
            double cacheBound = same == null ? Double.NaN : bytes / bandwidth(same) / 1e3;
            line(String.format(Locale.ROOT, "| %s | %d | %s | %d | %s | %s | %s | %s | %s |", r.param("backend"), classes,
                    withError(r), bytes, fmt(dramBound), times(r.score() / dramBound),
                    fmt(cacheBound), times(r.score() / cacheBound), alloc(r.allocPerOp())));
        }
        line("");
    }

    private String cacheBandwidths(List<Result> copy) {
        StringBuilder sb = new StringBuilder();
        for (Result r : copy) {
            if (Integer.parseInt(r.param("floats")) < 1_000_000) {
                sb.append(String.format(Locale.ROOT, "; %s floats (in cache) %.1f GB/s", r.param("floats"), bandwidth(r)));
            }
        }
        return sb.toString();
    }

    /** GB/s of a copy result: it reads and writes {@code 4 * floats} bytes each. */
    private static double bandwidth(Result copy) {
        return 8.0 * Integer.parseInt(copy.param("floats")) / copy.score() / 1e3;
    }

    // ------------------------------------------------------------------ training step

    private void step() {
        List<Result> steps = select("DistillStepBench.step");
        if (steps.isEmpty()) {
            return;
        }
        line("## distillation step, teacher 784-1200-1200-10, student 784-800-800-10 (higher examples/s is better)");
        line("");
        line("| backend | teacher | batch | ms/step | examples/s | alloc (MB/step) | PyTorch examples/s | ratio to PyTorch |");
        line("|---|---|---:|---:|---:|---:|---:|---:|");
        for (Result r : steps) {
            int batch = r.param("batch").isEmpty() ? 128 : Integer.parseInt(r.param("batch"));
            double perSecond = batch * 1e3 / r.score();
            JsonObject pt = pytorchResult("step." + r.param("teacher"));
            double ptPerSecond = pt == null || batch != 128 ? Double.NaN : 128 / number(pt.get("mean_s"));
            line(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s |", r.param("backend"), r.param("teacher"), batch,
                    withError(r), fmt(perSecond), fmt(r.allocPerOp() / 1e6),
                    fmt(ptPerSecond), times(perSecond / ptPerSecond)));
        }
        line("");
        pytorchSetting();
    }

    private void pytorchSetting() {
        if (pytorch == null) {
            return;
        }
        JsonObject best = pytorch.getAsJsonObject("best");
        String isa = "";
        if (pytorch.has("cpu_capability")) {
            isa = ", CPU capability " + pytorch.get("cpu_capability").getAsString();
        }
        if (pytorch.has("env")) {
            isa += pytorch.getAsJsonObject("env").entrySet().stream()
                    .map(e -> ", " + e.getKey() + "=" + e.getValue().getAsString()).collect(Collectors.joining());
        }
        line(String.format(Locale.ROOT, "PyTorch %s, BLAS `%s`%s, OMP_WAIT_POLICY=%s; best of the thread sweep: %d OpenMP,"
                        + " %d inter-op, %d BLAS threads. Sweep (step with teacher forward, ms):",
                pytorch.get("torch").getAsString(), pytorch.get("blas").getAsString(), isa, pytorch.get("wait_policy").getAsString(),
                best.get("omp").getAsInt(), best.get("interop").getAsInt(), best.get("blas").getAsInt()));
        line("");
        line("| OpenMP | inter-op | BLAS | ms/step |");
        line("|---:|---:|---:|---:|");
        JsonArray sweep = pytorch.getAsJsonArray("sweep");
        for (JsonElement e : sweep) {
            JsonObject s = e.getAsJsonObject();
            line(String.format(Locale.ROOT, "| %d | %d | %d | %s |", s.get("omp").getAsInt(), s.get("interop").getAsInt(),
                    s.get("blas").getAsInt(), fmt(number(s.getAsJsonObject("step.forward").get("mean_s")) * 1e3)));
        }
        line("");
    }

    // ------------------------------------------------------------------ inference

    private void inference() {
        List<Result> inf = select("InferenceBench.logits");
        if (inf.isEmpty()) {
            return;
        }
        line("## student 784-800-800-10 inference, `Sequential.logits(float[], n)`");
        line("");
        line("| backend | examples | us/call | examples/s | alloc (B/call) | PyTorch us/call | speed-up over PyTorch |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        for (Result r : inf) {
            int examples = Integer.parseInt(r.param("examples"));
            JsonObject pt = pytorchResult("inference." + examples);
            double ptMicros = pt == null ? Double.NaN : number(pt.get("mean_s")) * 1e6;
            line(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s |", r.param("backend"), examples,
                    withError(r), fmt(examples * 1e6 / r.score()), alloc(r.allocPerOp()),
                    fmt(ptMicros), times(ptMicros / r.score())));
        }
        line("");
    }

    // ------------------------------------------------------------------ everything

    private void raw() {
        line("## every JMH score");
        line("");
        line("| benchmark | parameters | score | ± (99.9%) | unit | alloc (B/op) |");
        line("|---|---|---:|---:|---|---:|");
        for (Result r : results) {
            line(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |", r.benchmark(), r.params().toString()
                    .replaceAll("[{}]", ""), fmt(r.score()), fmt(r.error()), r.unit(), alloc(r.allocPerOp())));
        }
        line("");
    }

    // ------------------------------------------------------------------ helpers

    private List<Result> select(String benchmark) {
        return results.stream().filter(r -> r.benchmark().equals(benchmark)).toList();
    }

    private static Result find(List<Result> list, String... keyValues) {
        outer:
        for (Result r : list) {
            for (int i = 0; i < keyValues.length; i += 2) {
                if (!r.param(keyValues[i]).equals(keyValues[i + 1])) {
                    continue outer;
                }
            }
            return r;
        }
        return null;
    }

    private JsonObject pytorchResult(String key) {
        if (pytorch == null || !pytorch.has("results") || !pytorch.getAsJsonObject("results").has(key)) {
            return null;
        }
        return pytorch.getAsJsonObject("results").getAsJsonObject(key);
    }

    /** The score, with its 99.9% error when JMH could compute one. */
    private static String withError(Result r) {
        return withError(r.score(), r.error());
    }

    private static String withError(double score, double error) {
        return Double.isFinite(error) ? fmt(score) + " ± " + fmt(error) : fmt(score);
    }

    private static String ratio(Double a, Double b) {
        return a == null || b == null ? "-" : times(a / b);
    }

    private static String times(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.2fx", x) : "-";
    }

    private static String alloc(double bytes) {
        if (!Double.isFinite(bytes)) {
            return "-";
        }
        return bytes < 1024 ? String.format(Locale.ROOT, "%.0f", bytes) : String.format(Locale.ROOT, "%.3g", bytes);
    }

    /** Three significant digits, no exponent for everyday magnitudes. */
    static String fmt(double x) {
        if (!Double.isFinite(x)) {
            return "-";
        }
        double a = Math.abs(x);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", x);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", x);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", x);
        }
        return String.format(Locale.ROOT, "%.3g", x);
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
