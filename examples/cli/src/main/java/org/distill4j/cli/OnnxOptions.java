package org.distill4j.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which input and output of an ONNX model to use, and what the output holds: for ONNX teachers and {@code eval}. */
final class OnnxOptions {
    @Option(names = "--onnx-input", description = "The input of an ONNX model with several.")
    String input;

    @Option(names = "--onnx-output", description = "The output of an ONNX model to use (default: its first).")
    String output;

    @Option(names = "--onnx-output-kind", defaultValue = "auto", description = "What an ONNX model's output holds: logits,"
            + " probabilities (turned into logits log(p), zeros raised to 1e-6), or auto: probabilities when the output's name"
            + " says prob or softmax (default: ${DEFAULT-VALUE}).")
    String outputKind;

    /** The options for the reader of ONNX files; ONNX Runtime runs on {@code threads} threads ({@code --threads}) when given. */
    Map<String, String> readerOptions(Integer threads) {
        if (!List.of("auto", "logits", "probabilities").contains(outputKind)) {
            throw new UsageException("--onnx-output-kind must be logits, probabilities or auto, found " + outputKind);
        }
        Map<String, String> options = new HashMap<>();
        options.put("output-kind", outputKind);
        if (input != null) {
            options.put("input", input);
        }
        if (output != null) {
            options.put("output", output);
        }
        if (threads != null) {
            options.put("threads", Integer.toString(threads));
        }
        return options;
    }
}
