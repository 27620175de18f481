package org.distill4j.backend.device;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel sources every device backend compiles, the resources {@code kernels/*} next to this
 * class (from {@code src/main/kernels}): {@value #COMMON} and one {@code .kernel} file per entry
 * of {@link #OPS}, written over the macros of a dialect header that each backend supplies.
 */
public final class KernelSources {
    /** The op sources, in the order a program concatenates them; CUDA compiles one module each. */
    public static final List<String> OPS = List.of("elementwise", "softmax", "optim", "gemm");
    /** The helpers every op source uses, compiled before it. */
    public static final String COMMON = "common.h";

    private static final Pattern KERNEL = Pattern.compile(
            "^KERNEL(?:\\s+\\w+\\([^)]*\\))?\\s+void\\s+(\\w+)\\s*\\(", Pattern.MULTILINE);

    private KernelSources() {
    }

    /** The text of {@code file}: {@value #COMMON} or {@code <op>.kernel}. */
    public static String text(String file) {
        try (InputStream in = KernelSources.class.getResourceAsStream("kernels/" + file)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + file + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel source " + file, e);
        }
    }

    /** One program of every source: {@code dialect} (a backend's header text), {@value #COMMON}, then each op. */
    public static String program(String dialect) {
        StringBuilder sb = new StringBuilder(dialect).append('\n');
        List<String> files = new ArrayList<>(List.of(COMMON));
        OPS.forEach(op -> files.add(op + ".kernel"));
        for (String file : files) {
            sb.append("// ---- ").append(file).append('\n').append(text(file)).append('\n');
        }
        return sb.toString();
    }

    /** The names of the {@code KERNEL} functions a source text defines, in order. */
    public static List<String> kernels(String source) {
        List<String> names = new ArrayList<>();
        Matcher m = KERNEL.matcher(source);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
