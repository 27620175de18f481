package org.distill4j.backend.device;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the device backends' native bindings share: their {@link LinkageError}s as one short sentence, and C strings. */
public final class Natives {
    private static final Pattern CLASS = Pattern.compile("[\\w$]+(/[\\w$]+)+");
    private static final Pattern MISSING = Pattern.compile("([\\w.+-]+\\.so[.\\d]*): cannot open shared object file");
    private static final Pattern SYMBOL = Pattern.compile("undefined symbol: (\\S+)");
    private static final Pattern VERSION = Pattern.compile("version `([^']+)' not found");

    private Natives() {
    }

    /**
     * Why a native library failed to load, e.g. {@code "libcuda.so.1 not found"}: a binding class
     * missing from the class path, else the first missing shared library, missing symbol or symbol
     * version named in the error chain, else the error's class and first line.
     */
    public static String describe(LinkageError e) {
        String text = messages(e);
        String first = text.lines().findFirst().orElse("");
        if (e instanceof NoClassDefFoundError && CLASS.matcher(first).matches()) {
            return first.replace('/', '.') + " is not on the class path";
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
        return e.getClass().getSimpleName() + ": " + first;
    }

    /** The messages of {@code e} and its causes, one a line. */
    public static String messages(Throwable e) {
        StringBuilder chain = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            chain.append('\n').append(cause.getMessage());
        }
        return chain.toString();
    }

    /** The UTF-8 text of a C string buffer, up to its first NUL, trimmed. */
    public static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8).trim();
    }
}
