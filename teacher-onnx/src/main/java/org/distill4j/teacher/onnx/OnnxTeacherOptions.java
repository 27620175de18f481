package org.distill4j.teacher.onnx;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which input and output of an ONNX teacher to use, what its output holds, and how many threads run it.
 *
 * @param input   the input's name, or {@code null} when the model has one
 * @param output  the output's name, or {@code null} for the model's first
 * @param kind    logits, probabilities, or {@code AUTO}: probabilities when the output's name says so
 * @param threads ONNX Runtime's intra-op threads, or 0 for its default (one per core)
 */
public record OnnxTeacherOptions(String input, String output, OutputKind kind, int threads) {
    /** What the teacher's output holds. */
    public enum OutputKind { AUTO, LOGITS, PROBABILITIES }

    private static final Set<String> KEYS = Set.of("input", "output", "output-kind", "threads");

    /**
     * The options from core's string map: keys {@code input}, {@code output}, {@code output-kind}
     * ({@code logits|probabilities|auto}), {@code threads} (at least 1).
     */
    public static OnnxTeacherOptions of(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("ONNX teacher option '" + key + "', expected one of " + KEYS);
            }
        }
        String kind = options.getOrDefault("output-kind", "auto");
        OutputKind parsed;
        try {
            parsed = OutputKind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ONNX output kind '" + kind + "', expected logits, probabilities or auto");
        }
        int threads = 0;
        if (options.containsKey("threads")) {
            try {
                threads = Integer.parseInt(options.get("threads"));
            } catch (NumberFormatException e) {
                threads = -1;
            }
            if (threads < 1) {
                throw new IllegalArgumentException("ONNX threads '" + options.get("threads") + "', expected a count >= 1");
            }
        }
        return new OnnxTeacherOptions(options.get("input"), options.get("output"), parsed, threads);
    }
}
