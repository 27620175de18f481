// The CUDA dialect of the shared kernel sources (backend-device/src/main/kernels): what their
// macros mean under nvcc. compile-ptx.sh compiles each source after this file and common.h; the
// fake driver's CPU build (src/test/fake-cuda) does the same after cuda_on_cpu.h.
#ifndef DISTILL4J_DIALECT_CUH
#define DISTILL4J_DIALECT_CUH

#define KERNEL extern "C" __global__
#define DEVICE __device__ __forceinline__
#define GLOBAL
#define LOCAL
#define SHARED __shared__
#define BARRIER() __syncthreads()
#define GROUP_SIZE_2D(x, y) __launch_bounds__((x) * (y))

#define LOCAL_ID_X ((int) threadIdx.x)
#define LOCAL_ID_Y ((int) threadIdx.y)
#define LOCAL_SIZE_X ((int) blockDim.x)
#define LOCAL_SIZE_Y ((int) blockDim.y)
#define GROUP_ID_X ((int) blockIdx.x)
#define GROUP_ID_Y ((int) blockIdx.y)
#define GROUP_COUNT_X ((int) gridDim.x)

// The largest one-dimensional block CudaDriver.geometry() launches.
#define MAX_GROUP 256

typedef long long i64;
typedef unsigned long long u64;

#endif
