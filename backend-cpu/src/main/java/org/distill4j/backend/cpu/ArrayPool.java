package org.distill4j.backend.cpu;

import java.util.Arrays;

/**
 * The storage of closed tensors, kept by exact length for the next tensor of that length, so a
 * repeated workload (a training step, an inference call) stops allocating once it has run once.
 *
 * <p>It holds at most {@code capacityBytes} of arrays and at most {@link #MAX_LENGTHS} distinct
 * lengths; past either bound it drops the arrays of the least recently used lengths, and an
 * array larger than the whole capacity is never kept. A taken array keeps its old contents
 * (a tensor's contents start undefined). After {@link #close()} it keeps nothing. Thread-safe.
 */
final class ArrayPool {
    /** Distinct lengths kept at once. */
    static final int MAX_LENGTHS = 128;

    private final long capacityBytes;
    private final Bin[] bins = new Bin[MAX_LENGTHS];
    private int binCount;
    private long pooledBytes;
    private long clock;
    private boolean closed;

    /** The arrays of one length, used as a stack. */
    private static final class Bin {
        final int length;
        float[][] arrays = new float[4][];
        int count;
        long lastUse;

        Bin(int length) {
            this.length = length;
        }
    }

    ArrayPool(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("pool capacity must be >= 0 bytes, found " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    /** An array of exactly {@code length} floats: a kept one, or a new one. */
    float[] take(int length) {
        synchronized (this) {
            Bin bin = find(length);
            if (bin != null && bin.count > 0) {
                bin.lastUse = ++clock;
                return pop(bin);
            }
        }
        return new float[length];
    }

    /** Keeps {@code array} for a later {@link #take}; the caller must not use it afterwards. */
    synchronized void give(float[] array) {
        long size = bytes(array.length);
        if (closed || size > capacityBytes) {
            return;
        }
        Bin bin = find(array.length);
        if (bin == null) {
            if (binCount == MAX_LENGTHS) {
                remove(leastRecentlyUsed(false));
            }
            bin = new Bin(array.length);
            bins[binCount++] = bin;
        }
        bin.lastUse = ++clock;
        while (pooledBytes + size > capacityBytes) {
            pop(leastRecentlyUsed(true));
        }
        if (bin.count == bin.arrays.length) {
            bin.arrays = Arrays.copyOf(bin.arrays, 2 * bin.count);
        }
        bin.arrays[bin.count++] = array;
        pooledBytes += size;
    }

    /** Bytes of the arrays kept now. */
    synchronized long pooledBytes() {
        return pooledBytes;
    }

    long capacityBytes() {
        return capacityBytes;
    }

    /** Drops every kept array; later {@link #give}s keep nothing. */
    synchronized void close() {
        closed = true;
        Arrays.fill(bins, null);
        binCount = 0;
        pooledBytes = 0;
    }

    private static long bytes(int length) {
        return 4L * length;
    }

    private Bin find(int length) {
        for (int i = 0; i < binCount; i++) {
            if (bins[i].length == length) {
                return bins[i];
            }
        }
        return null;
    }

    private float[] pop(Bin bin) {
        float[] array = bin.arrays[--bin.count];
        bin.arrays[bin.count] = null;
        pooledBytes -= bytes(bin.length);
        return array;
    }

    /** The bin used longest ago, among those holding an array if {@code nonEmpty}; there must be one. */
    private Bin leastRecentlyUsed(boolean nonEmpty) {
        Bin oldest = null;
        for (int i = 0; i < binCount; i++) {
            Bin b = bins[i];
            if ((!nonEmpty || b.count > 0) && (oldest == null || b.lastUse < oldest.lastUse)) {
                oldest = b;
            }
        }
        return oldest;
    }

    private void remove(Bin bin) {
        pooledBytes -= bytes(bin.length) * bin.count;
        for (int i = 0; i < binCount; i++) {
            if (bins[i] == bin) {
                bins[i] = bins[--binCount];
                bins[binCount] = null;
                return;
            }
        }
    }
}
