package org.distill4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One backend used by several threads at once, each on tensors of its own. A backend whose {@link Backend#threadSafe()}
 * is true must give every thread exactly (bit for bit) what the same ops give when run alone, and count tensors
 * exactly; a backend that is not thread-safe says so and these tests are skipped.
 */
interface ConcurrencySpec extends ConformanceContext {
    int THREADS = 4;
    int ROUNDS = 12;

    /**
     * A small training step's worth of ops on inputs drawn from {@code seed}: gemm, bias, ReLU, softmax at T = 2,
     * cross-entropy with its gradient, the weight gradient, an SGD update, argmax and a sum of squares. Returns
     * every result, concatenated.
     */
    private static float[] work(Backend b, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 33;
        int in = 65;
        int out = 17;
        try (Scope s = b.newScope()) {
            Tensor x = s.tensor(Inputs.gaussian(r, n * in, 1), n, in);
            Tensor w = s.tensor(Inputs.gaussian(r, in * out, 0.2), in, out);
            Tensor bias = s.tensor(Inputs.gaussian(r, out, 0.1), out);
            float[] labelValues = new float[n];
            for (int i = 0; i < n; i++) {
                labelValues[i] = i % 5 == 4 ? -1 : r.nextInt(out);
            }
            Tensor labels = s.tensor(labelValues, n);
            Tensor z = s.tensor(n, out);
            b.gemm(false, false, 1f, x, w, 0f, z);
            b.addRowBias(z, bias);
            Tensor h = s.tensor(n, out);
            b.relu(z, h);
            Tensor p = s.tensor(n, out);
            b.softmax(h, 2f, p);
            Tensor grad = s.tensor(n, out);
            Tensor loss = s.tensor(1);
            b.crossEntropy(z, labels, 0.7f, grad, loss);
            Tensor gw = s.tensor(in, out);
            b.gemm(true, false, 1f, x, grad, 0f, gw);
            Tensor velocity = s.tensor(in, out);
            b.fill(velocity, 0f);
            b.sgdUpdate(w, gw, velocity, 0.1f, 0.9f, 1e-4f, true);
            int[] argmax = new int[n];
            b.argmaxRows(p, argmax);
            double norm = b.sumSquares(w);
            List<float[]> parts = List.of(z.toArray(), p.toArray(), loss.toArray(), grad.toArray(), w.toArray());
            int size = argmax.length + 1;
            for (float[] part : parts) {
                size += part.length;
            }
            float[] all = new float[size];
            int at = 0;
            for (float[] part : parts) {
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            for (int a : argmax) {
                all[at++] = a;
            }
            all[at] = (float) norm;
            return all;
        }
    }

    /** Runs {@code task} on {@link #THREADS} threads started together and returns their results in thread order. */
    private static <T> List<T> together(java.util.function.IntFunction<Callable<T>> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Callable<T> body = task.apply(t);
                futures.add(pool.submit(() -> {
                    start.await();
                    return body.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("threads: ops run by 4 threads at once on their own tensors give bit-identical results to the same ops run alone")
    default void concurrentOpsMatchSequentialResults() throws Exception {
        Backend b = backend();
        Assumptions.assumeTrue(b.threadSafe(), "backend " + b.name() + " documents that it is not thread-safe");
        float[][] alone = new float[THREADS][];
        for (int t = 0; t < THREADS; t++) {
            alone[t] = work(b, 1000 + t);
        }
        int start = b.liveTensors();
        List<float[][]> results = together(t -> () -> {
            float[][] rounds = new float[ROUNDS][];
            for (int i = 0; i < ROUNDS; i++) {
                rounds[i] = work(b, 1000 + t);
            }
            return rounds;
        });
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < ROUNDS; i++) {
                assertArrayEquals(alone[t], results.get(t)[i], "thread " + t + ", round " + i);
            }
        }
        assertEquals(start, b.liveTensors(), "liveTensors() after every thread closed its scopes");
    }

    @Test
    @DisplayName("threads: tensors made and closed by 4 threads at once are counted exactly")
    default void concurrentAllocationIsCountedExactly() throws Exception {
        Backend b = backend();
        Assumptions.assumeTrue(b.threadSafe(), "backend " + b.name() + " documents that it is not thread-safe");
        int start = b.liveTensors();
        List<Integer> made = together(t -> () -> {
            int count = 0;
            for (int i = 0; i < 200; i++) {
                try (Scope s = b.newScope()) {
                    s.tensor(1 + (i + t) % 7, 3);
                    s.tensor(new float[] {t, i}, 2);
                    count += 2;
                }
                Tensor lone = b.tensor(4);
                b.fill(lone, t);
                lone.close();
                count++;
            }
            return count;
        });
        assertEquals(THREADS * 600, made.stream().mapToInt(Integer::intValue).sum());
        assertEquals(start, b.liveTensors(), "liveTensors() after every thread closed every tensor");
    }
}
