package org.distill4j.backend.cpu;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The bounded pool a {@link CpuBackend} runs parallel kernels on: {@code threads - 1} daemon
 * workers plus the calling thread. {@link #run} splits work into numbered parts; which thread
 * runs a part never changes what the part computes, so results do not depend on scheduling.
 * Several user threads may call {@link #run} at once; a caller runs any of its parts no worker
 * has started, so callers never wait on each other's work.
 *
 * <p>Waking a parked thread costs tens of microseconds on a virtual machine, as much as a whole
 * soft-target kernel's part: so an idle worker polls for new parts for {@link #SPIN_NANOS}
 * before it parks, and a caller polls for its parts' completion as long before it waits. Training
 * calls kernels back to back, so workers stay awake through a step and sleep between runs.
 */
final class WorkerPool implements AutoCloseable {
    /** How long an idle worker or a waiting caller polls before it parks. */
    static final long SPIN_NANOS = 50_000;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private final ExecutorService executor;

    WorkerPool(int threads) {
        this.threads = threads;
        if (threads > 1) {
            int id = POOLS.incrementAndGet();
            AtomicInteger count = new AtomicInteger();
            this.executor = new ThreadPoolExecutor(threads - 1, threads - 1, 0L, TimeUnit.MILLISECONDS,
                    new SpinningQueue(), r -> {
                        Thread t = new Thread(r, "distill4j-cpu-" + id + "-worker-" + count.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
        } else {
            this.executor = null;
        }
    }

    /** The number of threads that may work on one call, the caller included. */
    int threads() {
        return threads;
    }

    /** Runs {@code part.accept(i)} for {@code i = 0 .. parts-1}, in parallel where possible, and waits for all. */
    void run(int parts, IntConsumer part) {
        if (parts <= 1 || executor == null) {
            for (int i = 0; i < parts; i++) {
                part.accept(i);
            }
            return;
        }
        FutureTask<?>[] tasks = new FutureTask<?>[parts - 1];
        for (int i = 1; i < parts; i++) {
            int index = i;
            tasks[i - 1] = new FutureTask<>(() -> part.accept(index), null);
            try {
                executor.execute(tasks[i - 1]);
            } catch (RejectedExecutionException closed) {
                // The backend was closed: the caller runs the part itself below.
            }
        }
        Throwable failure = null;
        try {
            part.accept(0);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        boolean interrupted = false;
        for (FutureTask<?> task : tasks) {
            task.run();
            spinUntilDone(task);
            while (true) {
                try {
                    task.get();
                    break;
                } catch (ExecutionException e) {
                    failure = merge(failure, e.getCause());
                    break;
                } catch (InterruptedException e) {
                    // Parts still use the caller's buffers, so wait for them and re-assert the interrupt afterwards.
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("parallel kernel failed", failure);
        }
    }

    private static void spinUntilDone(FutureTask<?> task) {
        long deadline = System.nanoTime() + SPIN_NANOS;
        while (!task.isDone() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static Throwable merge(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** The workers' queue: {@link #take} polls for {@link #SPIN_NANOS} before it parks. */
    private static final class SpinningQueue extends LinkedBlockingQueue<Runnable> {
        @Override
        public Runnable take() throws InterruptedException {
            long deadline = System.nanoTime() + SPIN_NANOS;
            do {
                Runnable task = poll();
                if (task != null) {
                    return task;
                }
                Thread.onSpinWait();
            } while (System.nanoTime() < deadline);
            return super.take();
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdown();
        }
    }
}
