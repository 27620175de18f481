package org.distill4j.bench;

/**
 * A gemm problem written {@code OP:MxKxN}: {@code C[M x N] = op(A) * op(B)} with {@code op(A)}
 * {@code M x K} and {@code op(B)} {@code K x N}. {@code OP} is {@code NN}, {@code TN} (A stored
 * {@code K x M} and transposed: the weight gradient {@code x^T * dY}) or {@code NT} (B stored
 * {@code N x K} and transposed: the input gradient {@code dY * W^T}). All matrices are row-major.
 */
record GemmShape(boolean transA, boolean transB, int m, int k, int n) {
    static GemmShape parse(String text) {
        String[] parts = text.split(":");
        if (parts.length != 2 || parts[0].length() != 2) {
            throw new IllegalArgumentException("gemm shape must look like NN:128x784x1200, found '" + text + "'");
        }
        String[] dims = parts[1].split("x");
        if (dims.length != 3) {
            throw new IllegalArgumentException("gemm shape needs three dimensions MxKxN, found '" + text + "'");
        }
        return new GemmShape(parts[0].charAt(0) == 'T', parts[0].charAt(1) == 'T',
                Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2]));
    }

    /** Rows and columns of A as stored. */
    int aRows() {
        return transA ? k : m;
    }

    int aCols() {
        return transA ? m : k;
    }

    /** Rows and columns of B as stored. */
    int bRows() {
        return transB ? n : k;
    }

    int bCols() {
        return transB ? k : n;
    }

    /** Floating-point operations of one multiply: {@code 2 M K N}. */
    double flops() {
        return 2.0 * m * k * n;
    }
}
