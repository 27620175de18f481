// C = alpha * op(A) * op(B) + beta * C for row-major matrices, op(A) m x k and op(B) k x n: the
// built-in gemm, used when cuBLAS cannot be loaded (or the option cuda.gemm=tiled asks for it).
//
// op(A)[i][p] is a[i*k + p], or a[p*m + i] when transA (A is stored k x m);
// op(B)[p][j] is b[p*n + j], or b[j*k + p] when transB (B is stored n x k).
// When beta == 0 the old C is never read, so NaN or garbage there does not propagate.
#include "common.cuh"

#define TILE 64
#define TILE_K 16
#define GROUP 16
#define PER_THREAD 4

__device__ __forceinline__ float op_a(const float* a, int transA, int m, int k, int i, int p) {
    return transA ? a[(long long) p * m + i] : a[(long long) i * k + p];
}

__device__ __forceinline__ float op_b(const float* b, int transB, int n, int k, int p, int j) {
    return transB ? b[(long long) j * k + p] : b[(long long) p * n + j];
}

// A block of 16 x 16 threads computes a 64 x 64 tile of C: thread (tx, ty) owns the 4 x 4
// elements at rows ty + 16 r and columns tx + 16 s of the tile. Each step stages a 64 x 16 slice
// of op(A) and a 16 x 64 slice of op(B) in shared memory (zero-padded at the edges), reading
// global memory along its contiguous direction for each transpose case.
// Launch: grid (ceil(n / 64), ceil(m / 64)), block (16, 16).
extern "C" __global__ void __launch_bounds__(GROUP * GROUP)
gemm_tiled(int transA, int transB, int m, int n, int k, float alpha, const float* a, const float* b,
           float beta, float* c) {
    // [p][i] and [p][j]; the +1 keeps column-wise stores from hitting one shared memory bank.
    __shared__ float aTile[TILE_K][TILE + 1];
    __shared__ float bTile[TILE_K][TILE + 1];

    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const int thread = ty * GROUP + tx;
    const int row0 = blockIdx.y * TILE;
    const int col0 = blockIdx.x * TILE;

    float acc[PER_THREAD][PER_THREAD];
    for (int r = 0; r < PER_THREAD; r++) {
        for (int s = 0; s < PER_THREAD; s++) {
            acc[r][s] = 0.0f;
        }
    }

    for (int p0 = 0; p0 < k; p0 += TILE_K) {
        // Each of the 256 threads loads 4 of the 1024 elements of each slice.
        for (int l = 0; l < TILE * TILE_K / (GROUP * GROUP); l++) {
            const int e = thread + l * GROUP * GROUP;
            // A slice: consecutive threads walk along p (row-major A) or along i (transposed A).
            const int ai = transA ? e % TILE : e / TILE_K;
            const int ap = transA ? e / TILE : e % TILE_K;
            const int gi = row0 + ai;
            const int gap = p0 + ap;
            aTile[ap][ai] = (gi < m && gap < k) ? op_a(a, transA, m, k, gi, gap) : 0.0f;
            // B slice: consecutive threads walk along j (row-major B) or along p (transposed B).
            const int bj = transB ? e / TILE_K : e % TILE;
            const int bp = transB ? e % TILE_K : e / TILE;
            const int gj = col0 + bj;
            const int gbp = p0 + bp;
            bTile[bp][bj] = (gj < n && gbp < k) ? op_b(b, transB, n, k, gbp, gj) : 0.0f;
        }
        __syncthreads();

        for (int p = 0; p < TILE_K; p++) {
            float av[PER_THREAD];
            float bv[PER_THREAD];
            for (int r = 0; r < PER_THREAD; r++) {
                av[r] = aTile[p][ty + GROUP * r];
            }
            for (int s = 0; s < PER_THREAD; s++) {
                bv[s] = bTile[p][tx + GROUP * s];
            }
            for (int r = 0; r < PER_THREAD; r++) {
                for (int s = 0; s < PER_THREAD; s++) {
                    acc[r][s] += av[r] * bv[s];
                }
            }
        }
        __syncthreads();
    }

    for (int r = 0; r < PER_THREAD; r++) {
        const int i = row0 + ty + GROUP * r;
        for (int s = 0; s < PER_THREAD; s++) {
            const int j = col0 + tx + GROUP * s;
            if (i < m && j < n) {
                const long long at = (long long) i * n + j;
                c[at] = beta == 0.0f ? alpha * acc[r][s] : alpha * acc[r][s] + beta * c[at];
            }
        }
    }
}
