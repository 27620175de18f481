package org.distill4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The host-evaluated soft terms against values PyTorch computed in float64 from each paper's reference code
 * ({@code methods/make_reference.py}, output committed as {@code methods/reference.json}), and their
 * gradients against central finite differences.
 */
class HostSoftTermsTest {
    /** Float64 throughout; the reference differs only by rounding and by DKD's 1000-logit mask, exact here. */
    private static final double REFERENCE_TOLERANCE = 1e-9;
    private static final double FINITE_DIFFERENCE_TOLERANCE = 1e-6;

    record Case(String name, SoftTerm term, int rows, int classes, double temperature, double[] student, double[] teacher,
                int[] targets, double loss, double[] grad, double first, double second) {
    }

    @TestFactory
    @DisplayName("every method matches PyTorch's float64 loss, parts and gradient of the papers' reference code")
    Stream<DynamicTest> matchesPyTorchReference() throws IOException {
        return referenceCases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            double[] grad = new double[c.student().length];
            HostSoftTerms.Value v = HostSoftTerms.evaluate(c.term(), c.student(), c.teacher(), c.targets(), c.rows(), c.classes(),
                    c.temperature(), grad);
            assertEquals(c.loss(), v.loss(), REFERENCE_TOLERANCE * Math.max(1, Math.abs(c.loss())), "loss");
            if (!Double.isNaN(c.first())) {
                assertEquals(c.first(), v.first(), REFERENCE_TOLERANCE * Math.max(1, Math.abs(c.first())), "first part");
                assertEquals(c.second(), v.second(), REFERENCE_TOLERANCE * Math.max(1, Math.abs(c.second())), "second part");
            }
            for (int i = 0; i < grad.length; i++) {
                assertEquals(c.grad()[i], grad[i], REFERENCE_TOLERANCE, "gradient element " + i);
            }
        }));
    }

    @TestFactory
    @DisplayName("every method's gradient matches central finite differences of its loss")
    Stream<DynamicTest> gradientsMatchFiniteDifferences() {
        List<SoftTerm> terms = List.of(new SoftTerm.Kd(), new SoftTerm.Dkd(1f, 8f, 0), new SoftTerm.Dist(2f, 0.5f),
                new SoftTerm.StandardizedKd());
        SplittableRandom random = new SplittableRandom(7);
        return terms.stream().map(term -> DynamicTest.dynamicTest(term.name(), () -> {
            int rows = 5;
            int classes = 6;
            double[] s = gaussian(random, rows * classes, 3);
            double[] t = gaussian(random, rows * classes, 3);
            int[] targets = new int[rows];
            for (int r = 0; r < rows; r++) {
                targets[r] = random.nextInt(classes);
            }
            double[] grad = new double[s.length];
            HostSoftTerms.evaluate(term, s, t, targets, rows, classes, 2.0, grad);
            double h = 1e-5;
            for (int i = 0; i < s.length; i++) {
                double keep = s[i];
                s[i] = keep + h;
                double up = HostSoftTerms.evaluate(term, s, t, targets, rows, classes, 2.0, new double[s.length]).loss();
                s[i] = keep - h;
                double down = HostSoftTerms.evaluate(term, s, t, targets, rows, classes, 2.0, new double[s.length]).loss();
                s[i] = keep;
                assertEquals((up - down) / (2 * h), grad[i], FINITE_DIFFERENCE_TOLERANCE, "element " + i);
            }
        }));
    }

    @Test
    @DisplayName("a student that equals its teacher pays nothing and is not pushed, for every method"
            + " (DIST up to its 1e-8 in the correlation's denominator)")
    void aPerfectStudentHasZeroLossAndGradient() {
        double[] z = gaussian(new SplittableRandom(3), 4 * 5, 2);
        int[] targets = {0, 1, 2, 3};
        for (SoftTerm term : List.of(new SoftTerm.Kd(), new SoftTerm.Dkd(1f, 8f, 0), new SoftTerm.Dist(1f, 1f), new SoftTerm.StandardizedKd())) {
            double[] grad = new double[z.length];
            double loss = HostSoftTerms.evaluate(term, z, z, targets, 4, 5, 4.0, grad).loss();
            double tolerance = term instanceof SoftTerm.Dist ? 1e-4 : 1e-9;
            assertEquals(0, loss, tolerance, term.name());
            for (double g : grad) {
                assertEquals(0, g, tolerance, term.name());
            }
        }
    }

    @Test
    @DisplayName("DKD with two classes is an error: its non-target term would always be zero")
    void dkdNeedsThreeClasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostSoftTerms.evaluate(
                new SoftTerm.Dkd(1f, 8f, 0), new double[4], new double[4], new int[2], 2, 2, 4.0, new double[4]));
        assertTrue(e.getMessage().contains("NCKD is always zero"), e.getMessage());
    }

    @Test
    @DisplayName("DKD ramps its weight linearly over the warm-up epochs, then keeps 1")
    void dkdWarmsUp() {
        SoftTerm.Dkd dkd = new SoftTerm.Dkd(1f, 8f, 4);
        assertEquals(0.25, dkd.weight(0.5f, 0));
        assertEquals(1.0, dkd.weight(0.5f, 3));
        assertEquals(1.0, dkd.weight(0.5f, 50));
        assertEquals(1.0, new SoftTerm.Dkd(1f, 8f, 0).weight(0.5f, 0));
        assertEquals(0.75, new SoftTerm.Kd().weight(0.25f, 0));
    }

    private static double[] gaussian(SplittableRandom random, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble(1e-12, 1);
            v[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
        }
        return v;
    }

    private static List<Case> referenceCases() throws IOException {
        try (Reader in = new InputStreamReader(HostSoftTermsTest.class.getResourceAsStream("methods/reference.json"), StandardCharsets.UTF_8)) {
            JsonObject root = JsonParser.parseReader(in).getAsJsonObject();
            List<Case> cases = new ArrayList<>();
            for (var e : root.getAsJsonArray("cases")) {
                JsonObject c = e.getAsJsonObject();
                String method = c.get("method").getAsString();
                JsonObject p = c.getAsJsonObject("params");
                SoftTerm term = switch (method) {
                    case "kd" -> new SoftTerm.Kd();
                    case "dkd" -> new SoftTerm.Dkd(p.get("alpha").getAsFloat(), p.get("beta").getAsFloat(), 0);
                    case "dist" -> new SoftTerm.Dist(p.get("beta").getAsFloat(), p.get("gamma").getAsFloat());
                    case "kd-ls" -> new SoftTerm.StandardizedKd();
                    default -> throw new IllegalStateException("unknown method " + method);
                };
                int rows = c.get("rows").getAsInt();
                int classes = c.get("classes").getAsInt();
                double[] teacher = doubles(c.getAsJsonArray("teacher"));
                int[] targets = new int[rows];
                JsonArray labels = c.getAsJsonArray("labels");
                for (int r = 0; r < rows; r++) {
                    targets[r] = labels.get(r).getAsInt() >= 0 ? labels.get(r).getAsInt() : Rows.argmax(teacher, r * classes, classes);
                }
                JsonObject parts = c.getAsJsonObject("parts");
                double first = Double.NaN;
                double second = Double.NaN;
                if (parts != null) {
                    List<String> keys = new ArrayList<>(parts.keySet());
                    first = parts.get(keys.get(0)).getAsDouble();
                    second = parts.get(keys.get(1)).getAsDouble();
                }
                cases.add(new Case(method + " " + rows + "x" + classes + " T=" + c.get("temperature").getAsDouble() + " " + p,
                        term, rows, classes, c.get("temperature").getAsDouble(), doubles(c.getAsJsonArray("student")), teacher, targets,
                        c.get("loss").getAsDouble(), doubles(c.getAsJsonArray("grad")), first, second));
            }
            return cases;
        }
    }

    private static double[] doubles(JsonArray a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsDouble();
        }
        return d;
    }
}
