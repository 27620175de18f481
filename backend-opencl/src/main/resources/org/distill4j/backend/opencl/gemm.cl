// C = alpha * op(A) * op(B) + beta * C for row-major matrices, op(A) m x k and op(B) k x n.
//
// op(A)[i][p] is a[i*k + p], or a[p*m + i] when transA (A is stored k x m);
// op(B)[p][j] is b[p*n + j], or b[j*k + p] when transB (B is stored n x k).
// When beta == 0 the old C is never read, so NaN or garbage there does not propagate.

float op_a(__global const float* a, int transA, int m, int k, int i, int p) {
    return transA ? a[p * m + i] : a[i * k + p];
}

float op_b(__global const float* b, int transB, int n, int k, int p, int j) {
    return transB ? b[j * k + p] : b[p * n + j];
}

float gemm_store(float alpha, float acc, float beta, float old) {
    return beta == 0.0f ? alpha * acc : alpha * acc + beta * old;
}

// The reference: one work-item per element of C, a plain dot product. Global size (>= n, >= m).
__kernel void gemm_reference(const int transA, const int transB, const int m, const int n, const int k,
                             const float alpha, __global const float* a, __global const float* b,
                             const float beta, __global float* c) {
    const int j = get_global_id(0);
    const int i = get_global_id(1);
    if (i >= m || j >= n) {
        return;
    }
    float acc = 0.0f;
    for (int p = 0; p < k; p++) {
        acc += op_a(a, transA, m, k, i, p) * op_b(b, transB, n, k, p, j);
    }
    c[i * n + j] = gemm_store(alpha, acc, beta, c[i * n + j]);
}

// The tiled version. A work-group of 16 x 16 items computes a 64 x 64 tile of C: item (tx, ty)
// owns the 4 x 4 elements at rows ty + 16*r and columns tx + 16*s of the tile. Each step stages
// a 64 x 16 slice of op(A) and a 16 x 64 slice of op(B) in local memory (zero-padded at the
// edges), reading global memory along its contiguous direction for each transpose case.
#define TILE 64
#define TILE_K 16
#define GROUP 16
#define PER_ITEM 4

__kernel __attribute__((reqd_work_group_size(GROUP, GROUP, 1)))
void gemm_tiled(const int transA, const int transB, const int m, const int n, const int k,
                const float alpha, __global const float* a, __global const float* b,
                const float beta, __global float* c) {
    // [p][i] and [p][j]; the +1 keeps column-wise stores from hitting one local memory bank.
    __local float aTile[TILE_K][TILE + 1];
    __local float bTile[TILE_K][TILE + 1];

    const int tx = get_local_id(0);
    const int ty = get_local_id(1);
    const int item = ty * GROUP + tx;
    const int row0 = get_group_id(1) * TILE;
    const int col0 = get_group_id(0) * TILE;

    float acc[PER_ITEM][PER_ITEM];
    for (int r = 0; r < PER_ITEM; r++) {
        for (int s = 0; s < PER_ITEM; s++) {
            acc[r][s] = 0.0f;
        }
    }

    for (int p0 = 0; p0 < k; p0 += TILE_K) {
        // Each of the 256 items loads 4 of the 1024 elements of each slice.
        for (int l = 0; l < TILE * TILE_K / (GROUP * GROUP); l++) {
            const int e = item + l * GROUP * GROUP;
            // A slice: consecutive items walk along p (row-major A) or along i (transposed A).
            const int ai = transA ? e % TILE : e / TILE_K;
            const int ap = transA ? e / TILE : e % TILE_K;
            const int gi = row0 + ai;
            const int gap = p0 + ap;
            aTile[ap][ai] = (gi < m && gap < k) ? op_a(a, transA, m, k, gi, gap) : 0.0f;
            // B slice: consecutive items walk along j (row-major B) or along p (transposed B).
            const int bj = transB ? e / TILE_K : e % TILE;
            const int bp = transB ? e % TILE_K : e / TILE;
            const int gj = col0 + bj;
            const int gbp = p0 + bp;
            bTile[bp][bj] = (gj < n && gbp < k) ? op_b(b, transB, n, k, gbp, gj) : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        for (int p = 0; p < TILE_K; p++) {
            float av[PER_ITEM];
            float bv[PER_ITEM];
            for (int r = 0; r < PER_ITEM; r++) {
                av[r] = aTile[p][ty + GROUP * r];
            }
            for (int s = 0; s < PER_ITEM; s++) {
                bv[s] = bTile[p][tx + GROUP * s];
            }
            for (int r = 0; r < PER_ITEM; r++) {
                for (int s = 0; s < PER_ITEM; s++) {
                    acc[r][s] += av[r] * bv[s];
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    for (int r = 0; r < PER_ITEM; r++) {
        const int i = row0 + ty + GROUP * r;
        for (int s = 0; s < PER_ITEM; s++) {
            const int j = col0 + tx + GROUP * s;
            if (i < m && j < n) {
                c[i * n + j] = gemm_store(alpha, acc[r][s], beta, c[i * n + j]);
            }
        }
    }
}
