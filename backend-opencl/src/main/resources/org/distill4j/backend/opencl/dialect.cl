// The OpenCL C dialect of the shared kernel sources (backend-device/src/main/kernels): what their
// macros mean under the OpenCL compiler. OpenClDriver builds one program from this file, common.h
// and every source, with -DMAX_GROUP=<the largest work-group it launches>.

#define KERNEL __kernel
#define DEVICE
#define GLOBAL __global
#define LOCAL __local
#define SHARED __local
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define GROUP_SIZE_2D(x, y) __attribute__((reqd_work_group_size(x, y, 1)))

#define LOCAL_ID_X ((int) get_local_id(0))
#define LOCAL_ID_Y ((int) get_local_id(1))
#define LOCAL_SIZE_X ((int) get_local_size(0))
#define LOCAL_SIZE_Y ((int) get_local_size(1))
#define GROUP_ID_X ((int) get_group_id(0))
#define GROUP_ID_Y ((int) get_group_id(1))
#define GROUP_COUNT_X ((int) get_num_groups(0))

typedef long i64;
typedef ulong u64;

// The sources call C's float functions; OpenCL's built-ins are overloaded on float.
#define expf exp
#define logf log
#define sqrtf sqrt
#define floorf floor
