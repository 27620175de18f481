package org.distill4j.teacher.onnx;

import ai.onnxruntime.NodeInfo;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.distill4j.distill.TeacherModel;
import org.distill4j.io.DataFormatException;

/**
 * An ONNX model run by ONNX Runtime as a teacher: flat feature rows are reshaped to the model's input shape and fed
 * as float32 or float64, as it declares; its chosen output is read back as {@code rows x classes} floats.
 */
public final class OnnxTeacher implements TeacherModel {
    private final Path file;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String input;
    private final InputShape shape;
    private final boolean doubles;
    private final String output;
    private final boolean probabilities;
    private final String kindReason;

    private OnnxTeacher(Path file, OrtEnvironment env, OrtSession session, OnnxTeacherOptions options) throws OrtException {
        this.file = file;
        this.env = env;
        this.session = session;
        this.input = choose("input", session.getInputInfo(), options.input());
        TensorInfo in = tensorInfo(session.getInputInfo().get(input), "input");
        if (in.type != OnnxJavaType.FLOAT && in.type != OnnxJavaType.DOUBLE) {
            throw new IllegalArgumentException("teacher " + file + ": input '" + input + "' is " + in.type
                    + "; distill4j feeds float32 or float64");
        }
        this.shape = new InputShape(in.getShape());
        this.doubles = in.type == OnnxJavaType.DOUBLE;
        this.output = options.output() != null ? choose("output", session.getOutputInfo(), options.output())
                : session.getOutputNames().iterator().next();
        tensorInfo(session.getOutputInfo().get(output), "output");
        String lower = output.toLowerCase(Locale.ROOT);
        boolean named = lower.contains("prob") || lower.contains("softmax");
        this.probabilities = switch (options.kind()) {
            case LOGITS -> false;
            case PROBABILITIES -> true;
            case AUTO -> named;
        };
        this.kindReason = options.kind() != OnnxTeacherOptions.OutputKind.AUTO ? "as declared"
                : "by its name; --onnx-output-kind " + (named ? "logits" : "probabilities") + " if not";
    }

    /** Opens {@code file}; a file ONNX Runtime cannot load is a {@link DataFormatException} naming it. */
    public static OnnxTeacher open(Path file, OnnxTeacherOptions options) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        OrtEnvironment env = environment(file);
        OrtSession session;
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            if (options.threads() > 0) {
                sessionOptions.setIntraOpNumThreads(options.threads());
            }
            session = env.createSession(file.toString(), sessionOptions);
        } catch (OrtException e) {
            throw new DataFormatException(file, "ONNX Runtime cannot load it as an ONNX model: " + e.getMessage());
        }
        try {
            return new OnnxTeacher(file, env, session, options);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            if (e instanceof OrtException) {
                throw new DataFormatException(file, "ONNX Runtime cannot describe its inputs and outputs: " + e.getMessage());
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public void checkInput(int featureCount) {
        try {
            shape.of(1, featureCount);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("teacher " + file + ": " + e.getMessage() + " (input '" + input + "')");
        }
    }

    @Override
    public float[] run(float[] features, int rows) throws IOException {
        int d = features.length / rows;
        long fixed = shape.fixedBatch();
        int chunk = fixed > 0 ? (int) fixed : rows;
        float[] out = null;
        int perRow = 0;
        for (int from = 0; from < rows; from += chunk) {
            int n = Math.min(chunk, rows - from);
            float[] x = new float[chunk * d];
            System.arraycopy(features, from * d, x, 0, n * d);
            float[] y = runOnce(x, chunk, d);
            if (out == null) {
                perRow = y.length / chunk;
                out = new float[rows * perRow];
            }
            System.arraycopy(y, 0, out, from * perRow, n * perRow);
        }
        return out;
    }

    private float[] runOnce(float[] x, int rows, int d) throws IOException {
        long[] dims = shape.of(rows, d);
        try (OnnxTensor tensor = doubles ? OnnxTensor.createTensor(env, DoubleBuffer.wrap(toDoubles(x)), dims)
                : OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims);
             OrtSession.Result result = session.run(Map.of(input, tensor), Set.of(output))) {
            OnnxValue value = result.get(output).orElseThrow();
            if (!(value instanceof OnnxTensor t)) {
                throw new IllegalArgumentException("teacher " + file + ": output '" + output + "' is a " + value.getType()
                        + ", not a tensor; name a tensor output with --onnx-output");
            }
            return switch (t.getInfo().type) {
                case FLOAT -> toArray(t.getFloatBuffer());
                case DOUBLE -> toFloats(t.getDoubleBuffer());
                default -> throw new IllegalArgumentException("teacher " + file + ": output '" + output + "' is "
                        + t.getInfo().type + ", expected float32 or float64");
            };
        } catch (OrtException e) {
            throw new IOException("teacher " + file + ": ONNX Runtime failed on a batch of " + rows + ": " + e.getMessage(), e);
        }
    }

    /**
     * The counts its shapes fix, and the names in the metadata that {@code distill4j export} writes
     * ({@code distill4j.features}, {@code distill4j.classes}: JSON arrays of strings).
     */
    @Override
    public Signature signature() {
        long[] out;
        Map<String, String> metadata;
        try {
            out = tensorInfo(session.getOutputInfo().get(output), "output").getShape();
            metadata = session.getMetadata().getCustomMetadata();
        } catch (OrtException e) {
            throw new IllegalStateException("teacher " + file + ": ONNX Runtime cannot describe it: " + e.getMessage(), e);
        }
        int classes = out.length == 2 && out[1] > 0 ? (int) out[1] : -1;
        return new Signature(shape.exampleSize(), classes, names(metadata.get("distill4j.features")),
                names(metadata.get("distill4j.classes")));
    }

    private List<String> names(String json) {
        if (json == null) {
            return null;
        }
        try {
            List<String> names = new ArrayList<>();
            for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
                names.add(e.getAsString());
            }
            return names;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("teacher " + file + ": metadata names " + json + " are not a JSON array of strings");
        }
    }

    @Override
    public boolean givesProbabilities() {
        return probabilities;
    }

    @Override
    public String describe() {
        return "ONNX input '" + input + "' " + shape + (doubles ? " float64" : " float32") + ", output '" + output + "' read as "
                + (probabilities ? "probabilities" : "logits") + " (" + kindReason + ")";
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    private String choose(String what, Map<String, NodeInfo> infos, String wanted) {
        if (wanted != null) {
            if (!infos.containsKey(wanted)) {
                throw new IllegalArgumentException("teacher " + file + " has no " + what + " '" + wanted + "'; its " + what + "s: "
                        + infos.keySet());
            }
            return wanted;
        }
        if (infos.size() != 1) {
            throw new IllegalArgumentException("teacher " + file + " has " + infos.size() + " " + what + "s " + infos.keySet()
                    + "; name one with --onnx-" + what);
        }
        return infos.keySet().iterator().next();
    }

    private TensorInfo tensorInfo(NodeInfo info, String what) {
        if (!(info.getInfo() instanceof TensorInfo t)) {
            throw new IllegalArgumentException("teacher " + file + ": " + what + " '" + info.getName() + "' is not a tensor ("
                    + info.getInfo() + ")" + (what.equals("output") ? "; name a tensor output with --onnx-output" : ""));
        }
        return t;
    }

    private static OrtEnvironment environment(Path file) {
        try {
            return OrtEnvironment.getEnvironment();
        } catch (LinkageError | RuntimeException e) {
            throw new IllegalStateException("teacher " + file + ": ONNX Runtime's native library does not load on this platform ("
                    + System.getProperty("os.name") + ", " + System.getProperty("os.arch") + "): " + e);
        }
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // Closing frees native memory; nothing to tell the user.
        }
    }

    private static double[] toDoubles(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    private static float[] toArray(FloatBuffer b) {
        float[] a = new float[b.remaining()];
        b.get(a);
        return a;
    }

    private static float[] toFloats(DoubleBuffer b) {
        float[] a = new float[b.remaining()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) b.get(i);
        }
        return a;
    }
}
