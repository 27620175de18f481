package org.distill4j.backend.cuda;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.distill4j.backend.device.DeviceBackendProvider;

/** Turns the {@link LinkageError}s of JCuda's native loading into one short sentence. */
final class Natives {
    private static final Pattern MISSING = Pattern.compile("([\\w.+-]+\\.so[.\\d]*): cannot open shared object file");
    private static final Pattern SYMBOL = Pattern.compile("undefined symbol: (\\S+)");
    private static final Pattern VERSION = Pattern.compile("version `([^']+)' not found");

    private Natives() {
    }

    /**
     * Why a native library failed to load, e.g. {@code "libcuda.so.1 not found"}: the first
     * missing shared library, missing symbol or symbol version named in the error chain, else the
     * error's class and first line.
     */
    static String describe(LinkageError e) {
        String text = DeviceBackendProvider.messages(e);
        if (e instanceof NoClassDefFoundError && text.startsWith("jcuda/")) {
            return "JCuda is not on the class path (" + text.lines().findFirst().orElse("") + ")";
        }
        Matcher m = MISSING.matcher(text);
        if (m.find()) {
            return m.group(1) + " not found";
        }
        m = SYMBOL.matcher(text);
        if (m.find()) {
            return "a native library lacks the symbol " + m.group(1) + " (the installed NVIDIA library is too old)";
        }
        m = VERSION.matcher(text);
        if (m.find()) {
            return "no library provides the symbol version " + m.group(1);
        }
        return e.getClass().getSimpleName() + ": " + text.lines().findFirst().orElse("");
    }
}
