// A fake libcuda.so.1 for testing the CUDA backend without a GPU: the driver API calls the backend
// makes through JCuda, implemented on the CPU. It runs the real kernel sources (the shared ones of
// backend-device/src/main/kernels under the CUDA dialect, src/main/cuda/dialect.cuh), compiled as
// C++ (cuda_on_cpu.h), one block at a time with one fiber per CUDA thread (kernels whose
// first launch reached no barrier then run their threads one after another, without fibers), so the
// whole Java side (JCuda calls, argument marshalling, launch geometry, the memory pool, loss
// reductions) and the kernels' logic are exercised by the conformance suite. What it checks, beyond
// running the kernels:
//   - cuModuleLoadData gets PTX whose .version the fake driver supports and whose .entry names and
//     parameter types match the kernels compiled from the sources (a stale PTX fails here);
//   - every call that needs a context finds one current on the calling thread;
//   - launches: block size <= 1024, grid within limits, pointer arguments inside live allocations;
//   - barriers: every thread of a block reaches each __syncthreads and all 32 lanes each shuffle,
//     else the launch fails naming the kernel; threads run in a random order and warps overtake
//     each other, so a missing barrier shows up as wrong results;
//   - memory: each allocation ends at an inaccessible page (an out-of-bounds access crashes the
//     process), new memory holds NaN, and copies must stay inside allocations.
// It is synchronous: it cannot find ordering mistakes between streams.
//
// Settings, from the environment at cuInit: FAKE_CUDA_DEVICES (default 1), FAKE_CUDA_CC (compute
// capability, default 9.0), FAKE_CUDA_DRIVER (cuDriverGetVersion, default 13000),
// FAKE_CUDA_MAX_PTX (newest PTX ISA the "JIT" accepts, default 9.0), FAKE_CUDA_INIT_RESULT
// (a CUresult for cuInit to return, default 0).
#if !defined(__x86_64__) || !defined(__linux__)
#error "the fake CUDA driver is written for Linux on x86-64, like JCuda's natives"
#endif

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "cuda_on_cpu.h"

// The kernels, as plain C++.
#include "dialect.cuh"
#include "common.h"
#include "elementwise.kernel"
#include "gemm.kernel"
#include "optim.kernel"
#include "softmax.kernel"

dim3 threadIdx;
dim3 blockIdx;
dim3 blockDim;
dim3 gridDim;

// ---------------------------------------------------------------- driver API types (cuda.h ABI)

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
struct CUctx_st;
struct CUstream_st;
struct CUmod_st;
struct CUfunc_st;
typedef CUctx_st* CUcontext;
typedef CUstream_st* CUstream;
typedef CUmod_st* CUmodule;
typedef CUfunc_st* CUfunction;

enum : CUresult {
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_NO_DEVICE = 100,
    CUDA_ERROR_INVALID_DEVICE = 101,
    CUDA_ERROR_INVALID_IMAGE = 200,
    CUDA_ERROR_INVALID_CONTEXT = 201,
    CUDA_ERROR_NO_BINARY_FOR_GPU = 209,
    CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222,
    CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    CUDA_ERROR_LAUNCH_FAILED = 719,
};

// Switches stacks: saves the callee-saved registers on the current stack and its stack pointer in
// *save, then continues on the stack `load` (x86-64 System V). Far cheaper than swapcontext, which
// makes a system call for the signal mask on every switch.
extern "C" void fakecuda_switch(void** save, void* load);
asm(R"(
    .text
    .p2align 4
    .type fakecuda_switch, @function
fakecuda_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size fakecuda_switch, .-fakecuda_switch
)");

namespace {

// ---------------------------------------------------------------- settings

struct Settings {
    int devices = 1;
    int major = 9;
    int minor = 0;
    int driver = 13000;
    int maxPtx = 90;  // ISA major * 10 + minor
    CUresult initResult = CUDA_SUCCESS;
    bool initialised = false;
};

Settings settings;
std::mutex lock;  // the fake is used from several Java threads

int envInt(const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != 0 ? std::atoi(v) : fallback;
}

// "9.0" -> 90
int versionCode(const char* text, int fallback) {
    if (text == nullptr || *text == 0) {
        return fallback;
    }
    int major = 0;
    int minor = 0;
    if (std::sscanf(text, "%d.%d", &major, &minor) < 1) {
        return fallback;
    }
    return major * 10 + minor;
}

CUresult fail(CUresult result, const char* call, const std::string& why) {
    std::fprintf(stderr, "[fake libcuda] %s: %s\n", call, why.c_str());
    std::fflush(stderr);
    return result;
}

// ---------------------------------------------------------------- contexts and streams

struct Context {
    int refs = 0;
};
Context primary;                       // one primary context, of device 0 (or whichever was retained)
thread_local CUcontext current = nullptr;

CUcontext primaryHandle() {
    return reinterpret_cast<CUcontext>(&primary);
}

bool haveContext() {
    return current != nullptr && current == primaryHandle() && primary.refs > 0;
}

struct Stream {
    int id;
};
std::map<CUstream, Stream*> streams;

bool validStream(CUstream s) {
    return s == nullptr || streams.count(s) != 0;
}

// ---------------------------------------------------------------- memory

struct Allocation {
    char* mapping;
    size_t mappingBytes;
    size_t bytes;
};
std::map<uintptr_t, Allocation> allocations;  // by start address
const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));

size_t roundUp(size_t n, size_t m) {
    return (n + m - 1) / m * m;
}

// The allocation holding [p, p + bytes), or nullptr.
const Allocation* findRange(uintptr_t p, size_t bytes) {
    auto it = allocations.upper_bound(p);
    if (it == allocations.begin()) {
        return nullptr;
    }
    --it;
    uintptr_t start = it->first;
    return p >= start && p + bytes <= start + it->second.bytes ? &it->second : nullptr;
}

// ---------------------------------------------------------------- kernels: registry and argument binding

// A parameter's class as PTX declares it: '8' for 64-bit integers and pointers, '4' for 32-bit
// integers, 'f' for f32.
template <typename T>
constexpr char paramClass() {
    if constexpr (std::is_pointer_v<T>) {
        return '8';
    } else if constexpr (std::is_same_v<T, float>) {
        return 'f';
    } else {
        static_assert(std::is_integral_v<T>, "kernel parameter of an unsupported type");
        return sizeof(T) == 8 ? '8' : '4';
    }
}

struct KernelInfo {
    std::string name;
    std::string params;  // one paramClass per parameter
    bool (*pointerParam)(size_t index);
    std::function<std::function<void()>(void**)> bind;  // copies the arguments, as a launch does
};

template <typename... A, size_t... I>
std::function<void()> bindArguments(void (*f)(A...), void** params, std::index_sequence<I...>) {
    auto args = std::make_tuple(*static_cast<std::remove_cv_t<A>*>(params[I])...);
    return [f, args]() { std::apply(f, args); };
}

template <typename... A>
KernelInfo kernelInfo(const char* name, void (*f)(A...)) {
    KernelInfo info;
    info.name = name;
    info.params = std::string{paramClass<A>()...};
    info.pointerParam = [](size_t index) {
        constexpr bool pointers[] = {std::is_pointer_v<A>..., false};
        return pointers[index];
    };
    info.bind = [f](void** params) { return bindArguments(f, params, std::index_sequence_for<A...>{}); };
    return info;
}

#define REGISTER_KERNEL(name) kernelInfo(#name, &name),
const std::vector<KernelInfo> registry = {
#include "kernels.inc"
};

const KernelInfo* findKernel(const std::string& name) {
    for (const KernelInfo& k : registry) {
        if (k.name == name) {
            return &k;
        }
    }
    return nullptr;
}

struct Module {
    std::map<std::string, std::string> entries;  // PTX .entry name -> parameter classes
    std::map<std::string, CUfunction> functions;
};
struct Function {
    const KernelInfo* kernel;
};
std::vector<Module*> modules;

// PTX parameter type -> class ('8', '4', 'f'), or 0.
char ptxClass(const std::string& type) {
    if (type == "u64" || type == "s64" || type == "b64") {
        return '8';
    }
    if (type == "u32" || type == "s32" || type == "b32") {
        return '4';
    }
    return type == "f32" ? 'f' : 0;
}

// Reads ".version X.Y" and every ".entry name( .param .type name, ... )" of a PTX text.
bool parsePtx(const std::string& ptx, int& version, std::map<std::string, std::string>& entries, std::string& error) {
    size_t v = ptx.find("\n.version ");
    if (v == std::string::npos) {
        error = "no .version directive";
        return false;
    }
    version = versionCode(ptx.c_str() + v + 10, -1);
    size_t at = 0;
    while ((at = ptx.find(".entry ", at)) != std::string::npos) {
        at += 7;
        size_t open = ptx.find('(', at);
        size_t close = ptx.find(')', open);
        if (open == std::string::npos || close == std::string::npos) {
            error = "malformed .entry";
            return false;
        }
        std::string name = ptx.substr(at, open - at);
        std::string classes;
        size_t p = open;
        while ((p = ptx.find(".param .", p)) != std::string::npos && p < close) {
            p += 8;
            size_t end = ptx.find_first_of(" \t", p);
            char c = ptxClass(ptx.substr(p, end - p));
            if (c == 0) {
                error = "entry " + name + " has a parameter of type " + ptx.substr(p, end - p);
                return false;
            }
            classes.push_back(c);
        }
        entries[name] = classes;
        at = close;
    }
    return true;
}

// ---------------------------------------------------------------- fibers: one per CUDA thread of the running block

enum class State { Runnable, AtBlockBarrier, AtWarpBarrier, Done };

struct Fiber {
    void* sp;  // its stack pointer while it is switched out
    dim3 tid;
    int linear;
    State state;
    unsigned shuffles;  // how many shuffles it made, to alternate slot sets
};

const size_t stackBytes = 256 * 1024;
std::vector<char*> stacks;  // one per fiber slot, reused by every launch
std::vector<Fiber> fibers;
void* schedulerSp;
Fiber* running = nullptr;
const std::function<void()>* body = nullptr;
unsigned long long warpSlots[32][2][32];  // [warp][alternating set][lane]
unsigned long long barrierCalls = 0;  // by every thread of every launch, to spot kernels without barriers
bool direct = false;                  // running threads one after another on the scheduler's stack
unsigned long long schedulingSeed = 0x9E3779B97F4A7C15ull;

[[noreturn]] void fiberMain() {
    (*body)();
    running->state = State::Done;
    fakecuda_switch(&running->sp, schedulerSp);
    std::abort();  // a finished fiber is never switched to again
}

// A new fiber's stack, arranged so that the first switch to it "returns" into fiberMain: six
// zeroed callee-saved registers, fiberMain's address, and a slot that leaves the stack aligned as
// a function entry expects.
void* initialStack(char* stackBase) {
    uintptr_t top = reinterpret_cast<uintptr_t>(stackBase + stackBytes) & ~uintptr_t{15};
    void** sp = reinterpret_cast<void**>(top);
    *--sp = nullptr;
    *--sp = reinterpret_cast<void*>(&fiberMain);
    for (int i = 0; i < 6; i++) {
        *--sp = nullptr;
    }
    return sp;
}

char* stack(size_t index) {
    while (stacks.size() <= index) {
        // A PROT_NONE page below each stack turns an overflow into a crash instead of corruption.
        void* m = mmap(nullptr, stackBytes + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            std::perror("[fake libcuda] mmap stack");
            std::abort();
        }
        mprotect(m, page, PROT_NONE);
        stacks.push_back(static_cast<char*>(m) + page);
    }
    return stacks[index];
}

unsigned long long nextRandom() {
    schedulingSeed ^= schedulingSeed << 13;
    schedulingSeed ^= schedulingSeed >> 7;
    schedulingSeed ^= schedulingSeed << 17;
    return schedulingSeed;
}

// Runs one block to completion; false with `error` set when its threads cannot all finish.
// The scheduler repeatedly picks a runnable thread and runs it until it returns or waits at a
// barrier; a warp barrier opens as soon as its 32 lanes arrive, a block barrier when all threads
// do. It mostly picks the thread made runnable last, so one warp often races through several
// shuffles and barriers ahead of the others, and sometimes a random one; warps are released from
// a block barrier in a random order. So warps overtake each other in many ways, and a missing
// barrier shows up as wrong results.
bool runBlock(const std::function<void()>& kernel, std::string& error) {
    const int n = static_cast<int>(blockDim.x * blockDim.y * blockDim.z);
    fibers.assign(n, Fiber{});
    std::vector<int> runnable(n);
    for (int i = 0; i < n; i++) {
        Fiber& f = fibers[i];
        f.linear = i;
        f.tid.x = i % blockDim.x;
        f.tid.y = i / blockDim.x % blockDim.y;
        f.tid.z = i / (blockDim.x * blockDim.y);
        f.state = State::Runnable;
        f.sp = initialStack(stack(i));
        runnable[i] = i;
    }
    body = &kernel;
    std::vector<int> warpArrivals((n + 31) / 32, 0);
    int blockArrivals = 0;
    int done = 0;
    while (!runnable.empty()) {
        unsigned long long r = nextRandom();
        size_t pick = r % 8 != 0 ? runnable.size() - 1 : (r >> 3) % runnable.size();
        Fiber& f = fibers[runnable[pick]];
        runnable.erase(runnable.begin() + static_cast<long>(pick));  // keeps the order, so a warp is not split
        running = &f;
        threadIdx = f.tid;
        fakecuda_switch(&schedulerSp, f.sp);
        if (f.state == State::Done) {
            done++;
        } else if (f.state == State::AtWarpBarrier) {
            int w = f.linear / 32;
            if (++warpArrivals[w] == 32) {
                warpArrivals[w] = 0;
                for (int i = w * 32; i < w * 32 + 32; i++) {
                    fibers[i].state = State::Runnable;
                    runnable.push_back(i);
                }
            }
        } else if (f.state == State::AtBlockBarrier) {
            if (++blockArrivals == n) {
                blockArrivals = 0;
                std::vector<int> warps((n + 31) / 32);
                for (size_t w = 0; w < warps.size(); w++) {
                    warps[w] = static_cast<int>(w);
                }
                for (size_t w = warps.size(); w > 1; w--) {
                    std::swap(warps[w - 1], warps[nextRandom() % w]);
                }
                for (int w : warps) {
                    for (int i = w * 32; i < std::min(n, w * 32 + 32); i++) {
                        fibers[i].state = State::Runnable;
                        runnable.push_back(i);
                    }
                }
            }
        }
    }
    if (done == n) {
        return true;
    }
    int atWarp = 0;
    for (int arrivals : warpArrivals) {
        atWarp += arrivals;
    }
    error = "threads of block (" + std::to_string(blockIdx.x) + "," + std::to_string(blockIdx.y) + "," +
            std::to_string(blockIdx.z) + ") of " + std::to_string(n) + " cannot go on: " + std::to_string(blockArrivals) +
            " wait at __syncthreads, " + std::to_string(atWarp) + " at a warp shuffle or __syncwarp, " +
            std::to_string(done) + " have returned (a barrier not reached by every thread, or a shuffle in a"
            " partial warp)";
    return false;
}

// ---------------------------------------------------------------- launches

// Kernels whose first launch made no barrier call: their threads need no fibers and run directly,
// one after another, which is many times faster. (Every kernel of the sources either always
// reaches its barriers or has none; one that broke this would be stopped in fakecuda::barrier.)
std::map<const KernelInfo*, bool> barrierFree;

void runDirectly(const std::function<void()>& kernel) {
    const unsigned n = blockDim.x * blockDim.y * blockDim.z;
    direct = true;
    for (unsigned i = 0; i < n; i++) {
        threadIdx.x = i % blockDim.x;
        threadIdx.y = i / blockDim.x % blockDim.y;
        threadIdx.z = i / (blockDim.x * blockDim.y);
        kernel();
    }
    direct = false;
}

CUresult launch(const KernelInfo& kernel, dim3 grid, dim3 block, void** params) {
    for (size_t i = 0; i < kernel.params.size(); i++) {
        if (params == nullptr || params[i] == nullptr) {
            return fail(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel", kernel.name + ": parameter " + std::to_string(i) + " is missing");
        }
        if (kernel.pointerParam(i)) {
            uintptr_t p = *static_cast<uintptr_t*>(params[i]);
            if (findRange(p, 1) == nullptr) {
                return fail(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel",
                            kernel.name + ": parameter " + std::to_string(i) + " is not inside a live allocation");
            }
        }
    }
    std::function<void()> bound = kernel.bind(params);
    gridDim = grid;
    blockDim = block;
    auto known = barrierFree.find(&kernel);
    bool withoutFibers = known != barrierFree.end() && known->second;
    unsigned long long barriersBefore = barrierCalls;
    for (unsigned z = 0; z < grid.z; z++) {
        for (unsigned y = 0; y < grid.y; y++) {
            for (unsigned x = 0; x < grid.x; x++) {
                blockIdx.x = x;
                blockIdx.y = y;
                blockIdx.z = z;
                if (withoutFibers) {
                    runDirectly(bound);
                    continue;
                }
                std::string error;
                if (!runBlock(bound, error)) {
                    return fail(CUDA_ERROR_LAUNCH_FAILED, "cuLaunchKernel", kernel.name + ": " + error);
                }
            }
        }
    }
    if (known == barrierFree.end()) {
        barrierFree[&kernel] = barrierCalls == barriersBefore;
    }
    return CUDA_SUCCESS;
}

}  // namespace

// ---------------------------------------------------------------- what cuda_on_cpu.h declares

namespace fakecuda {

void barrier(int kind) {
    if (direct) {
        std::fprintf(stderr, "[fake libcuda] a kernel whose first launch had no barrier reached one: the fake"
                             " runs such kernels without fibers and cannot go on\n");
        std::abort();
    }
    barrierCalls++;
    Fiber* self = running;
    self->state = kind == 0 ? State::AtBlockBarrier : State::AtWarpBarrier;
    fakecuda_switch(&self->sp, schedulerSp);
    running = self;
    threadIdx = self->tid;
}

int lane() {
    return running->linear & 31;
}

unsigned long long* next_shuffle_slots() {
    return warpSlots[running->linear >> 5][running->shuffles++ & 1];
}

void check_full_mask(unsigned int mask, const char* what) {
    if (mask != 0xffffffffu) {
        std::fprintf(stderr, "[fake libcuda] %s with mask %08x: the fake supports full warps only\n", what, mask);
        std::abort();
    }
}

}  // namespace fakecuda

// ---------------------------------------------------------------- the driver API

#define EXPORT extern "C" __attribute__((visibility("default")))
#define NEED_INIT()                                   \
    if (!settings.initialised) {                      \
        return CUDA_ERROR_NOT_INITIALIZED;            \
    }
#define NEED_CONTEXT(call)                                                                    \
    NEED_INIT();                                                                              \
    if (!haveContext()) {                                                                     \
        return fail(CUDA_ERROR_INVALID_CONTEXT, call, "no context is current on this thread"); \
    }

EXPORT CUresult cuInit(unsigned int flags) {
    std::lock_guard<std::mutex> guard(lock);
    if (flags != 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    settings.devices = envInt("FAKE_CUDA_DEVICES", 1);
    int cc = versionCode(std::getenv("FAKE_CUDA_CC"), 90);
    settings.major = cc / 10;
    settings.minor = cc % 10;
    settings.driver = envInt("FAKE_CUDA_DRIVER", 13000);
    settings.maxPtx = versionCode(std::getenv("FAKE_CUDA_MAX_PTX"), 90);
    settings.initResult = envInt("FAKE_CUDA_INIT_RESULT", CUDA_SUCCESS);
    if (settings.initResult == CUDA_SUCCESS && settings.devices == 0) {
        settings.initResult = CUDA_ERROR_NO_DEVICE;
    }
    settings.initialised = settings.initResult == CUDA_SUCCESS;
    return settings.initResult;
}

EXPORT CUresult cuDriverGetVersion(int* version) {
    if (version == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *version = settings.driver;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetCount(int* count) {
    NEED_INIT();
    *count = settings.devices;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGet(CUdevice* device, int ordinal) {
    NEED_INIT();
    if (ordinal < 0 || ordinal >= settings.devices) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    *device = ordinal;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetName(char* name, int length, CUdevice device) {
    NEED_INIT();
    if (device < 0 || device >= settings.devices) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    std::snprintf(name, static_cast<size_t>(length), "Fake CUDA device %d (kernels run on the CPU)", device);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetAttribute(int* value, int attribute, CUdevice device) {
    NEED_INIT();
    if (device < 0 || device >= settings.devices) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    switch (attribute) {
        case 16:  // CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT
            *value = 1;
            return CUDA_SUCCESS;
        case 75:  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
            *value = settings.major;
            return CUDA_SUCCESS;
        case 76:  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR
            *value = settings.minor;
            return CUDA_SUCCESS;
        default:
            return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetAttribute", "attribute " + std::to_string(attribute) + " is not faked");
    }
}

EXPORT CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice device) {
    NEED_INIT();
    if (device < 0 || device >= settings.devices) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    *bytes = size_t{1} << 30;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDevicePrimaryCtxRetain(CUcontext* context, CUdevice device) {
    NEED_INIT();
    std::lock_guard<std::mutex> guard(lock);
    if (device < 0 || device >= settings.devices) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    primary.refs++;
    *context = primaryHandle();
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device) {
    NEED_INIT();
    std::lock_guard<std::mutex> guard(lock);
    if (device < 0 || device >= settings.devices || primary.refs == 0) {
        return fail(CUDA_ERROR_INVALID_CONTEXT, "cuDevicePrimaryCtxRelease", "the primary context is not retained");
    }
    if (--primary.refs == 0 && !allocations.empty()) {
        // A real driver frees them with the context; the backend should have freed them itself.
        fail(CUDA_SUCCESS, "cuDevicePrimaryCtxRelease",
             std::to_string(allocations.size()) + " allocations still live when the primary context was destroyed");
    }
    return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxSetCurrent(CUcontext context) {
    NEED_INIT();
    if (context != nullptr && context != primaryHandle()) {
        return fail(CUDA_ERROR_INVALID_CONTEXT, "cuCtxSetCurrent", "unknown context");
    }
    current = context;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxGetCurrent(CUcontext* context) {
    NEED_INIT();
    *context = current;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuStreamCreate(CUstream* stream, unsigned int flags) {
    NEED_CONTEXT("cuStreamCreate");
    std::lock_guard<std::mutex> guard(lock);
    if (flags > 1) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    Stream* s = new Stream{static_cast<int>(streams.size()) + 1};
    *stream = reinterpret_cast<CUstream>(s);
    streams[*stream] = s;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuStreamDestroy_v2(CUstream stream) {
    NEED_CONTEXT("cuStreamDestroy");
    std::lock_guard<std::mutex> guard(lock);
    auto it = streams.find(stream);
    if (it == streams.end()) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuStreamDestroy", "unknown stream");
    }
    delete it->second;
    streams.erase(it);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuStreamSynchronize(CUstream stream) {
    NEED_CONTEXT("cuStreamSynchronize");
    std::lock_guard<std::mutex> guard(lock);
    return validStream(stream) ? CUDA_SUCCESS : fail(CUDA_ERROR_INVALID_HANDLE, "cuStreamSynchronize", "unknown stream");
}

EXPORT CUresult cuModuleLoadData(CUmodule* module, const void* image) {
    NEED_CONTEXT("cuModuleLoadData");
    std::lock_guard<std::mutex> guard(lock);
    std::string ptx(static_cast<const char*>(image));
    int version = 0;
    std::map<std::string, std::string> entries;
    std::string error;
    if (!parsePtx(ptx, version, entries, error)) {
        return fail(CUDA_ERROR_INVALID_IMAGE, "cuModuleLoadData", error);
    }
    if (version > settings.maxPtx) {
        return fail(CUDA_ERROR_UNSUPPORTED_PTX_VERSION, "cuModuleLoadData",
                    "PTX ISA " + std::to_string(version / 10) + "." + std::to_string(version % 10) + " is newer than this driver's " +
                        std::to_string(settings.maxPtx / 10) + "." + std::to_string(settings.maxPtx % 10));
    }
    size_t target = ptx.find("\n.target sm_");
    int sm = target == std::string::npos ? 0 : std::atoi(ptx.c_str() + target + 12);
    if (sm > settings.major * 10 + settings.minor) {
        return fail(CUDA_ERROR_NO_BINARY_FOR_GPU, "cuModuleLoadData", "PTX for sm_" + std::to_string(sm) + " on an older GPU");
    }
    for (const auto& [name, params] : entries) {
        const KernelInfo* k = findKernel(name);
        if (k == nullptr) {
            return fail(CUDA_ERROR_INVALID_IMAGE, "cuModuleLoadData", "the PTX defines " + name + ", which the kernel sources lack");
        }
        if (k->params != params) {
            return fail(CUDA_ERROR_INVALID_IMAGE, "cuModuleLoadData",
                        name + " takes parameters " + params + " in the PTX but " + k->params + " in the sources (is the PTX stale?)");
        }
    }
    Module* m = new Module{entries, {}};
    modules.push_back(m);
    *module = reinterpret_cast<CUmodule>(m);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuModuleUnload(CUmodule module) {
    NEED_CONTEXT("cuModuleUnload");
    std::lock_guard<std::mutex> guard(lock);
    Module* m = reinterpret_cast<Module*>(module);
    auto it = std::find(modules.begin(), modules.end(), m);
    if (it == modules.end()) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuModuleUnload", "unknown module");
    }
    for (auto& [name, f] : m->functions) {
        delete reinterpret_cast<Function*>(f);
    }
    delete m;
    modules.erase(it);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuModuleGetFunction(CUfunction* function, CUmodule module, const char* name) {
    NEED_CONTEXT("cuModuleGetFunction");
    std::lock_guard<std::mutex> guard(lock);
    Module* m = reinterpret_cast<Module*>(module);
    if (std::find(modules.begin(), modules.end(), m) == modules.end()) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuModuleGetFunction", "unknown module");
    }
    if (m->entries.count(name) == 0) {
        return CUDA_ERROR_NOT_FOUND;
    }
    CUfunction& f = m->functions[name];
    if (f == nullptr) {
        f = reinterpret_cast<CUfunction>(new Function{findKernel(name)});
    }
    *function = f;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuLaunchKernel(CUfunction function, unsigned gridX, unsigned gridY, unsigned gridZ, unsigned blockX,
                               unsigned blockY, unsigned blockZ, unsigned sharedBytes, CUstream stream, void** params,
                               void** extra) {
    NEED_CONTEXT("cuLaunchKernel");
    std::lock_guard<std::mutex> guard(lock);
    Function* f = reinterpret_cast<Function*>(function);
    bool known = false;
    for (Module* m : modules) {
        for (auto& [name, g] : m->functions) {
            known |= g == function;
        }
    }
    if (!known) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuLaunchKernel", "unknown function");
    }
    const std::string& name = f->kernel->name;
    if (!validStream(stream)) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuLaunchKernel", name + ": unknown stream");
    }
    if (extra != nullptr || sharedBytes != 0) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel", name + ": extra and dynamic shared memory are not faked");
    }
    unsigned long long threads = 1ull * blockX * blockY * blockZ;
    if (threads == 0 || threads > 1024 || blockZ > 64 || gridX == 0 || gridY == 0 || gridZ == 0 || gridY > 65535 ||
        gridZ > 65535) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel",
                    name + ": grid (" + std::to_string(gridX) + "," + std::to_string(gridY) + "," + std::to_string(gridZ) +
                        ") block (" + std::to_string(blockX) + "," + std::to_string(blockY) + "," + std::to_string(blockZ) + ")");
    }
    dim3 grid;
    grid.x = gridX;
    grid.y = gridY;
    grid.z = gridZ;
    dim3 block;
    block.x = blockX;
    block.y = blockY;
    block.z = blockZ;
    return launch(*f->kernel, grid, block, params);
}

EXPORT CUresult cuMemAlloc_v2(CUdeviceptr* pointer, size_t bytes) {
    NEED_CONTEXT("cuMemAlloc");
    std::lock_guard<std::mutex> guard(lock);
    if (bytes == 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    // [guard page][pages holding the block, which ends exactly at][guard page]
    size_t usable = roundUp(bytes, page);
    size_t total = usable + 2 * page;
    void* m = mmap(nullptr, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    char* mapping = static_cast<char*>(m);
    mprotect(mapping + page, usable, PROT_READ | PROT_WRITE);
    char* start = mapping + page + usable - bytes;
    std::memset(start, 0xFF, bytes);  // NaN in every float until written
    allocations[reinterpret_cast<uintptr_t>(start)] = Allocation{mapping, total, bytes};
    *pointer = reinterpret_cast<CUdeviceptr>(start);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuMemFree_v2(CUdeviceptr pointer) {
    NEED_CONTEXT("cuMemFree");
    std::lock_guard<std::mutex> guard(lock);
    auto it = allocations.find(static_cast<uintptr_t>(pointer));
    if (it == allocations.end()) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuMemFree", "not the start of a live allocation");
    }
    munmap(it->second.mapping, it->second.mappingBytes);
    allocations.erase(it);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuMemGetInfo_v2(size_t* free, size_t* total) {
    NEED_CONTEXT("cuMemGetInfo");
    *total = size_t{1} << 30;
    *free = *total;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes) {
    NEED_CONTEXT("cuMemcpyHtoD");
    std::lock_guard<std::mutex> guard(lock);
    if (findRange(dst, bytes) == nullptr) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuMemcpyHtoD", "destination range is not inside one allocation");
    }
    std::memcpy(reinterpret_cast<void*>(dst), src, bytes);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes) {
    NEED_CONTEXT("cuMemcpyDtoH");
    std::lock_guard<std::mutex> guard(lock);
    if (findRange(src, bytes) == nullptr) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuMemcpyDtoH", "source range is not inside one allocation");
    }
    std::memcpy(dst, reinterpret_cast<const void*>(src), bytes);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream) {
    NEED_CONTEXT("cuMemcpyDtoDAsync");
    std::lock_guard<std::mutex> guard(lock);
    if (!validStream(stream)) {
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuMemcpyDtoDAsync", "unknown stream");
    }
    if (findRange(dst, bytes) == nullptr || findRange(src, bytes) == nullptr) {
        return fail(CUDA_ERROR_INVALID_VALUE, "cuMemcpyDtoDAsync", "a range is not inside one allocation");
    }
    std::memmove(reinterpret_cast<void*>(dst), reinterpret_cast<const void*>(src), bytes);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuGetErrorName(CUresult result, const char** name) {
    *name = "CUDA_ERROR (fake driver)";
    (void) result;
    return CUDA_SUCCESS;
}
