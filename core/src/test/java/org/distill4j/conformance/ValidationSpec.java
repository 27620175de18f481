package org.distill4j.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;

import org.distill4j.backend.Backend;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Argument checks every backend shares (they live in {@code Backend}'s final ops, and the suite
 * makes sure each backend goes through them): bad temperatures and hyper-parameters, shape
 * mismatches named in the message, outputs aliasing inputs, tensors of another backend instance,
 * closed and null tensors.
 */
interface ValidationSpec extends ConformanceContext {

    /** An op call with a scope to make its tensors in. */
    interface Call {
        void run(Backend b, Scope s);
    }

    /** Runs {@code call} and expects {@code type} with a message containing every one of {@code mentions}. */
    private <T extends Throwable> DynamicTest rejects(String name, Class<T> type, Call call, String... mentions) {
        return dynamicTest(name, () -> {
            try (Scope s = backend().newScope()) {
                T e = assertThrows(type, () -> call.run(backend(), s), name + ": expected " + type.getSimpleName());
                String message = String.valueOf(e.getMessage());
                for (String m : mentions) {
                    assertTrue(message.contains(m), name + ": the message should mention '" + m + "' but was: " + message);
                }
            }
        });
    }

    private static Tensor t(Scope s, int... shape) {
        Tensor x = s.tensor(shape);
        s.backend().fill(x, 0.5f);
        return x;
    }

    @TestFactory
    @DisplayName("temperature <= 0, NaN or infinite is rejected by softmax, logSoftmax and softTargetLoss")
    default Stream<DynamicTest> badTemperaturesAreRejected() {
        float[] temperatures = {0f, -0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        List<DynamicTest> tests = new ArrayList<>();
        for (float temperature : temperatures) {
            tests.add(rejects("softmax with T=" + temperature, IllegalArgumentException.class,
                    (b, s) -> b.softmax(t(s, 2, 3), temperature, t(s, 2, 3)), "softmax", "temperature"));
            tests.add(rejects("logSoftmax with T=" + temperature, IllegalArgumentException.class,
                    (b, s) -> b.logSoftmax(t(s, 2, 3), temperature, t(s, 2, 3)), "logSoftmax", "temperature"));
            tests.add(rejects("softTargetLoss with T=" + temperature, IllegalArgumentException.class,
                    (b, s) -> b.softTargetLoss(t(s, 2, 3), t(s, 2, 3), temperature, 1f, t(s, 2, 3), t(s, 1)),
                    "softTargetLoss", "temperature"));
        }
        return tests.stream();
    }

    @TestFactory
    @DisplayName("shape mismatches are rejected with a message naming the op and every shape involved")
    default Stream<DynamicTest> shapeMismatchesAreRejected() {
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        return Stream.of(
                rejects("gemm A[3x4] * B[5x2]", iae,
                        (b, s) -> b.gemm(false, false, 1f, t(s, 3, 4), t(s, 5, 2), 0f, t(s, 3, 2)), "gemm", "[3, 4]", "[5, 2]", "[3, 2]"),
                rejects("gemm A[3x4] * B[4x2] into C[2x3]", iae,
                        (b, s) -> b.gemm(false, false, 1f, t(s, 3, 4), t(s, 4, 2), 0f, t(s, 2, 3)), "gemm", "[3, 4]", "[4, 2]", "[2, 3]"),
                rejects("gemm A[3x4]^T * B[4x2]", iae,
                        (b, s) -> b.gemm(true, false, 1f, t(s, 3, 4), t(s, 4, 2), 0f, t(s, 4, 2)), "gemm", "[3, 4]", "[4, 2]"),
                rejects("gemm A[3x4] * B[4x2]^T", iae,
                        (b, s) -> b.gemm(false, true, 1f, t(s, 3, 4), t(s, 4, 2), 0f, t(s, 3, 4)), "gemm", "[3, 4]", "[4, 2]"),
                rejects("addRowBias x[3x4] with bias[3]", iae,
                        (b, s) -> b.addRowBias(t(s, 3, 4), t(s, 3)), "addRowBias", "[3, 4]", "[3]"),
                rejects("sumRows x[3x4] into out[3]", iae,
                        (b, s) -> b.sumRows(t(s, 3, 4), t(s, 3)), "sumRows", "[3, 4]", "[3]"),
                rejects("relu x[6] into out[5]", iae, (b, s) -> b.relu(t(s, 6), t(s, 5)), "relu", "[6]", "[5]"),
                rejects("reluBackward gradOut[4], x[4], gradIn[5]", iae,
                        (b, s) -> b.reluBackward(t(s, 4), t(s, 4), t(s, 5)), "reluBackward", "[4]", "[5]"),
                rejects("dropout x[4] mask[5]", iae,
                        (b, s) -> b.dropout(t(s, 4), t(s, 5), t(s, 4), 0.5f, 1L), "dropout", "[4]", "[5]"),
                rejects("softmax z[2x3] into out[7]", iae,
                        (b, s) -> b.softmax(t(s, 2, 3), 1f, t(s, 7)), "softmax", "[2, 3]", "[7]"),
                rejects("logSoftmax z[2x3] into out[5]", iae,
                        (b, s) -> b.logSoftmax(t(s, 2, 3), 1f, t(s, 5)), "logSoftmax", "[2, 3]", "[5]"),
                rejects("crossEntropy z[3x4] with labels[2]", iae,
                        (b, s) -> b.crossEntropy(t(s, 3, 4), t(s, 2), 1f, t(s, 3, 4), t(s, 1)), "crossEntropy", "[3, 4]", "[2]"),
                rejects("crossEntropy z[3x4] with grad[3x5]", iae,
                        (b, s) -> b.crossEntropy(t(s, 3, 4), t(s, 3), 1f, t(s, 3, 5), t(s, 1)), "crossEntropy", "[3, 4]", "[3, 5]"),
                rejects("crossEntropy with loss[2]", iae,
                        (b, s) -> b.crossEntropy(t(s, 3, 4), t(s, 3), 1f, t(s, 3, 4), t(s, 2)), "crossEntropy", "[2]"),
                rejects("softTargetLoss student[2x3] teacher[3x2]", iae,
                        (b, s) -> b.softTargetLoss(t(s, 2, 3), t(s, 3, 2), 2f, 1f, t(s, 2, 3), t(s, 1)), "softTargetLoss", "[2, 3]", "[3, 2]"),
                rejects("softTargetLoss with grad[2x4]", iae,
                        (b, s) -> b.softTargetLoss(t(s, 2, 3), t(s, 2, 3), 2f, 1f, t(s, 2, 4), t(s, 1)), "softTargetLoss", "[2, 3]", "[2, 4]"),
                rejects("mseLoss a[2x3] b[2x4]", iae,
                        (b, s) -> b.mseLoss(t(s, 2, 3), t(s, 2, 4), 1f, t(s, 2, 3), t(s, 1)), "mseLoss", "[2, 3]", "[2, 4]"),
                rejects("sgdUpdate param[4] grad[5]", iae,
                        (b, s) -> b.sgdUpdate(t(s, 4), t(s, 5), t(s, 4), 0.1f, 0.9f, 0f, false), "sgdUpdate", "[4]", "[5]"),
                rejects("adamUpdate param[4] v[3]", iae,
                        (b, s) -> b.adamUpdate(t(s, 4), t(s, 4), t(s, 4), t(s, 3), 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1),
                        "adamUpdate", "[4]", "[3]"),
                rejects("copy [4] into [5]", iae, (b, s) -> b.copy(t(s, 4), t(s, 5)), "copy", "[4]", "[5]"),
                rejects("axpy x[4] y[5]", iae, (b, s) -> b.axpy(1f, t(s, 4), t(s, 5)), "axpy", "[4]", "[5]"),
                rejects("mul a[4] b[4] out[5]", iae, (b, s) -> b.mul(t(s, 4), t(s, 4), t(s, 5)), "mul", "[4]", "[5]"));
    }

    @TestFactory
    @DisplayName("non-finite or out-of-range hyper-parameters are rejected with a message naming the op")
    default Stream<DynamicTest> badHyperParametersAreRejected() {
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        return Stream.of(
                rejects("gemm alpha=NaN", iae, (b, s) -> b.gemm(false, false, nan, t(s, 2, 2), t(s, 2, 2), 0f, t(s, 2, 2)), "gemm", "alpha"),
                rejects("gemm beta=inf", iae, (b, s) -> b.gemm(false, false, 1f, t(s, 2, 2), t(s, 2, 2), inf, t(s, 2, 2)), "gemm", "beta"),
                rejects("dropout p=1", iae, (b, s) -> b.dropout(t(s, 4), t(s, 4), t(s, 4), 1f, 1L), "dropout"),
                rejects("dropout p=-0.1", iae, (b, s) -> b.dropout(t(s, 4), t(s, 4), t(s, 4), -0.1f, 1L), "dropout"),
                rejects("dropout p=NaN", iae, (b, s) -> b.dropout(t(s, 4), t(s, 4), t(s, 4), nan, 1L), "dropout"),
                rejects("crossEntropy weight=NaN", iae,
                        (b, s) -> b.crossEntropy(t(s, 2, 3), t(s, 2), nan, t(s, 2, 3), t(s, 1)), "crossEntropy", "weight"),
                rejects("softTargetLoss weight=inf", iae,
                        (b, s) -> b.softTargetLoss(t(s, 2, 3), t(s, 2, 3), 2f, inf, t(s, 2, 3), t(s, 1)), "softTargetLoss", "weight"),
                rejects("mseLoss weight=-inf", iae,
                        (b, s) -> b.mseLoss(t(s, 2, 3), t(s, 2, 3), -inf, t(s, 2, 3), t(s, 1)), "mseLoss", "weight"),
                rejects("sgdUpdate lr=NaN", iae, (b, s) -> b.sgdUpdate(t(s, 4), t(s, 4), t(s, 4), nan, 0.9f, 0f, false), "sgdUpdate", "lr"),
                rejects("sgdUpdate momentum=inf", iae,
                        (b, s) -> b.sgdUpdate(t(s, 4), t(s, 4), t(s, 4), 0.1f, inf, 0f, false), "sgdUpdate", "momentum"),
                rejects("sgdUpdate weightDecay=NaN", iae,
                        (b, s) -> b.sgdUpdate(t(s, 4), t(s, 4), t(s, 4), 0.1f, 0.9f, nan, false), "sgdUpdate", "weightDecay"),
                adam("adamUpdate lr=inf", inf, 0.9f, 0.999f, 1e-8f, 0f, 1, "lr"),
                adam("adamUpdate beta1=1", 1e-3f, 1f, 0.999f, 1e-8f, 0f, 1, "beta1"),
                adam("adamUpdate beta2=-0.1", 1e-3f, 0.9f, -0.1f, 1e-8f, 0f, 1, "beta2"),
                adam("adamUpdate eps=0", 1e-3f, 0.9f, 0.999f, 0f, 0f, 1, "eps"),
                adam("adamUpdate step=0", 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 0, "step"),
                adam("adamUpdate weightDecay=NaN", 1e-3f, 0.9f, 0.999f, 1e-8f, nan, 1, "weightDecay"),
                rejects("maxNormColumns maxNorm=0", iae, (b, s) -> b.maxNormColumns(t(s, 3, 2), 0f), "maxNormColumns"),
                rejects("maxNormColumns maxNorm=-1", iae, (b, s) -> b.maxNormColumns(t(s, 3, 2), -1f), "maxNormColumns"),
                rejects("maxNormColumns maxNorm=inf", iae, (b, s) -> b.maxNormColumns(t(s, 3, 2), inf), "maxNormColumns"),
                rejects("maxNormColumns maxNorm=NaN", iae, (b, s) -> b.maxNormColumns(t(s, 3, 2), nan), "maxNormColumns"),
                rejects("axpy alpha=NaN", iae, (b, s) -> b.axpy(nan, t(s, 4), t(s, 4)), "axpy", "alpha"),
                rejects("scale by inf", iae, (b, s) -> b.scale(t(s, 4), inf), "scale"),
                rejects("argmaxRows into an array shorter than the rows", iae,
                        (b, s) -> b.argmaxRows(t(s, 3, 2), new int[2]), "argmaxRows", "3"));
    }

    private DynamicTest adam(String name, float lr, float beta1, float beta2, float eps, float weightDecay, int step,
                             String mention) {
        return rejects(name, IllegalArgumentException.class,
                (b, s) -> b.adamUpdate(t(s, 4), t(s, 4), t(s, 4), t(s, 4), lr, beta1, beta2, eps, weightDecay, step),
                "adamUpdate", mention);
    }

    @TestFactory
    @DisplayName("an output that is the same tensor as an input is rejected where the op forbids it")
    default Stream<DynamicTest> forbiddenAliasingIsRejected() {
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        return Stream.of(
                rejects("gemm with C = A", iae, (b, s) -> {
                    Tensor a = t(s, 3, 3);
                    b.gemm(false, false, 1f, a, t(s, 3, 3), 0f, a);
                }, "gemm"),
                rejects("gemm with C = B", iae, (b, s) -> {
                    Tensor x = t(s, 3, 3);
                    b.gemm(false, false, 1f, t(s, 3, 3), x, 1f, x);
                }, "gemm"),
                rejects("sumRows with out = x", iae, (b, s) -> {
                    Tensor x = t(s, 1, 3);
                    b.sumRows(x, x);
                }, "sumRows"),
                rejects("dropout with mask = x", iae, (b, s) -> {
                    Tensor x = t(s, 4);
                    b.dropout(x, x, t(s, 4), 0.5f, 1L);
                }, "dropout"),
                rejects("crossEntropy with grad = logits", iae, (b, s) -> {
                    Tensor z = t(s, 2, 3);
                    b.crossEntropy(z, t(s, 2), 1f, z, t(s, 1));
                }, "crossEntropy"),
                rejects("softTargetLoss with grad = student", iae, (b, s) -> {
                    Tensor z = t(s, 2, 3);
                    b.softTargetLoss(z, t(s, 2, 3), 2f, 1f, z, t(s, 1));
                }, "softTargetLoss"),
                rejects("mseLoss with grad = b", iae, (b, s) -> {
                    Tensor x = t(s, 2, 3);
                    b.mseLoss(t(s, 2, 3), x, 1f, x, t(s, 1));
                }, "mseLoss"));
    }

    /** Every op family, called with {@code bad} in the first tensor position and tensors of this backend elsewhere. */
    private List<DynamicTest> everyOpRejects(String what, Class<? extends Throwable> type,
                                             Function<Scope, Tensor> bad, String... mentions) {
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(rejects("gemm with " + what, type,
                (b, s) -> b.gemm(false, false, 1f, bad.apply(s), t(s, 2, 2), 0f, t(s, 2, 2)), mentions));
        tests.add(rejects("addRowBias with " + what, type, (b, s) -> b.addRowBias(t(s, 2, 2), bad.apply(s)), mentions));
        tests.add(rejects("relu with " + what, type, (b, s) -> b.relu(bad.apply(s), t(s, 2, 2)), mentions));
        tests.add(rejects("softmax with " + what, type, (b, s) -> b.softmax(bad.apply(s), 1f, t(s, 2, 2)), mentions));
        tests.add(rejects("crossEntropy with " + what, type,
                (b, s) -> b.crossEntropy(t(s, 2, 2), t(s, 2), 1f, t(s, 2, 2), bad.apply(s)), mentions));
        tests.add(rejects("softTargetLoss with " + what, type,
                (b, s) -> b.softTargetLoss(t(s, 2, 2), bad.apply(s), 2f, 1f, t(s, 2, 2), t(s, 1)), mentions));
        tests.add(rejects("sgdUpdate with " + what, type,
                (b, s) -> b.sgdUpdate(t(s, 2, 2), t(s, 2, 2), bad.apply(s), 0.1f, 0.9f, 0f, false), mentions));
        tests.add(rejects("copy into " + what, type, (b, s) -> b.copy(t(s, 2, 2), bad.apply(s)), mentions));
        tests.add(rejects("fill of " + what, type, (b, s) -> b.fill(bad.apply(s), 1f), mentions));
        tests.add(rejects("sumSquares of " + what, type, (b, s) -> b.sumSquares(bad.apply(s)), mentions));
        tests.add(rejects("argmaxRows of " + what, type, (b, s) -> b.argmaxRows(bad.apply(s), new int[2]), mentions));
        return tests;
    }

    @TestFactory
    @DisplayName("tensors of another instance of the same backend are rejected by every op")
    default Stream<DynamicTest> foreignTensorsAreRejected() {
        AtomicReference<Backend> other = new AtomicReference<>();
        List<DynamicTest> tests = everyOpRejects("a tensor of another backend instance", IllegalArgumentException.class,
                s -> {
                    Backend second = other.updateAndGet(b -> b != null ? b : provider().create(config()));
                    return s.adopt(second.tensor(2, 2));
                }, "backend");
        return tests.stream().onClose(() -> {
            if (other.get() != null) {
                other.get().close();
            }
        });
    }

    @TestFactory
    @DisplayName("closed tensors are rejected by every op and by host transfers")
    default Stream<DynamicTest> closedTensorsAreRejected() {
        List<DynamicTest> tests = everyOpRejects("a closed tensor", IllegalStateException.class, s -> {
            Tensor x = s.tensor(2, 2);
            x.close();
            return x;
        }, "closed");
        tests.add(rejects("toArray of a closed tensor", IllegalStateException.class, (b, s) -> {
            Tensor x = s.tensor(3);
            x.close();
            x.toArray();
        }, "closed"));
        tests.add(rejects("copyFrom into a closed tensor", IllegalStateException.class, (b, s) -> {
            Tensor x = s.tensor(3);
            x.close();
            x.copyFrom(new float[3]);
        }, "closed"));
        return tests.stream();
    }

    @TestFactory
    @DisplayName("null tensors are rejected with NullPointerException")
    default Stream<DynamicTest> nullTensorsAreRejected() {
        return everyOpRejects("a null tensor", NullPointerException.class, s -> null).stream();
    }
}
