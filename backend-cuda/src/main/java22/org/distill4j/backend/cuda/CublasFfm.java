package org.distill4j.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jcuda.NativePointerObject;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/**
 * The cuBLAS calls bound from {@code libcublas.so.13}, which JCublas 12.6 cannot link, through the
 * Foreign Function &amp; Memory API: the JDK 22+ version of this multi-release class. Device
 * pointers and the stream are JCuda's handles, whose native values are plain addresses.
 */
final class CublasFfm extends Cublas {
    static final String LIBRARY = "libcublas.so.13";
    private static final List<String> CALLS = List.of("cublasCreate_v2", "cublasSetStream_v2", "cublasGetVersion_v2",
            "cublasSgemm_v2", "cublasDestroy_v2");
    private static final Map<String, MethodHandle> HANDLES = new ConcurrentHashMap<>();
    private static volatile SymbolLookup library;
    private static String loadFailure;

    /** Out-parameters (the handle, the version), then alpha and beta. */
    private final MemorySegment scratch = Arena.ofAuto().allocate(16, 8);
    private MemorySegment handle;

    private CublasFfm() {
        super("FFM", LIBRARY);
    }

    /** Opens the library and finds every call on the first use; throws an {@link IllegalStateException} saying why not. */
    static synchronized Cublas open(CUstream stream) {
        if (library == null && loadFailure == null) {
            try {
                SymbolLookup lookup = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
                loadFailure = CALLS.stream().filter(call -> lookup.find(call).isEmpty()).findFirst()
                        .map(call -> "FFM: " + LIBRARY + " lacks the symbol " + call).orElse(null);
                library = loadFailure == null ? lookup : null;
            } catch (IllegalArgumentException | IllegalCallerException e) {
                loadFailure = "FFM: " + LIBRARY + " not loadable (" + e.getMessage() + ")";
            }
        }
        if (loadFailure != null) {
            throw new IllegalStateException(loadFailure);
        }
        return new CublasFfm().start(stream);
    }

    /** Calls {@code symbol}, whose arguments are ints and pointers, and returns its status. */
    private static int call(String symbol, Object... args) {
        MethodHandle h = HANDLES.computeIfAbsent(symbol, s -> Linker.nativeLinker().downcallHandle(library.find(s).orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, Arrays.stream(args).map(a -> a instanceof Integer ? JAVA_INT : ADDRESS)
                        .toArray(MemoryLayout[]::new))));
        try {
            return (int) h.invokeWithArguments(args);
        } catch (Throwable e) {
            throw new IllegalStateException(symbol + " of " + LIBRARY + " failed", e);
        }
    }

    @Override
    int create() {
        int status = call("cublasCreate_v2", scratch);
        handle = scratch.get(ADDRESS, 0);
        return status;
    }

    @Override
    int setStream(CUstream stream) {
        return call("cublasSetStream_v2", handle, Address.of(stream));
    }

    @Override
    int getVersion(int[] version) {
        int status = call("cublasGetVersion_v2", handle, scratch);
        version[0] = scratch.get(JAVA_INT, 0);
        return status;
    }

    @Override
    int sgemm(int opA, int opB, int m, int n, int k, float alpha, CUdeviceptr a, int lda, CUdeviceptr b, int ldb,
              float beta, CUdeviceptr c, int ldc) {
        scratch.set(JAVA_FLOAT, 8, alpha);
        scratch.set(JAVA_FLOAT, 12, beta);
        return call("cublasSgemm_v2", handle, opA, opB, m, n, k, scratch.asSlice(8, 4), Address.of(a), lda, Address.of(b), ldb,
                scratch.asSlice(12, 4), Address.of(c), ldc);
    }

    @Override
    int destroy() {
        return call("cublasDestroy_v2", handle);
    }

    /** A copy of a JCuda handle, to read its native value (protected in JCuda); device pointers from cuMemAlloc have no byte offset. */
    private static final class Address extends NativePointerObject {
        private Address(NativePointerObject handle) {
            super(handle);
        }

        static MemorySegment of(NativePointerObject handle) {
            return MemorySegment.ofAddress(new Address(handle).getNativePointer());
        }
    }
}
