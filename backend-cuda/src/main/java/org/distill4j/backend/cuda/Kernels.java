package org.distill4j.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.distill4j.backend.device.KernelSources;

import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * The kernels: the PTX resources of this package (made by {@code compile-ptx.sh} from the shared
 * kernel sources, {@link KernelSources}, with the CUDA dialect header {@code src/main/cuda/dialect.cuh}), loaded into the current context with {@code cuModuleLoadData}, which
 * has the driver JIT-compile them for the device. Not thread-safe; the backend calls it under its lock.
 */
final class Kernels {
    /** The PTX resources, one per kernel source. */
    static final List<String> MODULES = KernelSources.OPS;
    /** The oldest GPU the PTX can be compiled for ({@code -arch=compute_75}). */
    static final int MIN_MAJOR = 7;
    static final int MIN_MINOR = 5;

    private static final Pattern ENTRY = Pattern.compile("^\\.visible \\.entry (\\w+)\\(", Pattern.MULTILINE);
    private static final Pattern VERSION = Pattern.compile("^\\.version (\\S+)", Pattern.MULTILINE);

    private final List<CUmodule> modules = new ArrayList<>();
    /** Kernel name to the module that holds it. */
    private final Map<String, CUmodule> owners = new HashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();

    private Kernels() {
    }

    /** Loads every module into the current context; on failure unloads what was loaded and throws. */
    static Kernels load() {
        Kernels kernels = new Kernels();
        try {
            for (String name : MODULES) {
                String ptx = ptx(name);
                byte[] image = Arrays.copyOf(ptx.getBytes(StandardCharsets.US_ASCII), ptx.length() + 1);
                CUmodule module = new CUmodule();
                int result = JCudaDriver.cuModuleLoadData(module, image);
                if (result != CUresult.CUDA_SUCCESS) {
                    throw new CudaException("cuModuleLoadData(" + name + ".ptx)", CUresult.stringFor(result), result,
                            loadHint(result));
                }
                kernels.modules.add(module);
                for (String entry : entries(ptx)) {
                    kernels.owners.put(entry, module);
                }
            }
            return kernels;
        } catch (RuntimeException e) {
            kernels.unload();
            throw e;
        }
    }

    /** What to do about a failed module load, for the error message. */
    private static String loadHint(int result) {
        String isa = ptxIsa();
        return switch (result) {
            case CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION ->
                    "the kernels' PTX declares ISA " + isa + ", which needs a CUDA 12.0 or newer driver (r525+);"
                            + " this driver is CUDA " + Cu.driverVersion() + ": update the NVIDIA driver";
            case CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU, CUresult.CUDA_ERROR_INVALID_PTX ->
                    "the PTX (ISA " + isa + ", compute_" + MIN_MAJOR + MIN_MINOR + ") could not be compiled for this GPU;"
                            + " it needs compute capability " + MIN_MAJOR + "." + MIN_MINOR + " or newer";
            case CUresult.CUDA_ERROR_JIT_COMPILER_NOT_FOUND ->
                    "the driver's PTX JIT compiler (libnvidia-ptxjitcompiler.so) is missing; reinstall the NVIDIA driver";
            default -> "";
        };
    }

    /** The function {@code name}, looked up once. */
    CUfunction function(String name) {
        CUfunction function = functions.get(name);
        if (function == null) {
            CUmodule module = owners.get(name);
            if (module == null) {
                throw new CudaException("cuModuleGetFunction(" + name + ")", "CUDA_ERROR_NOT_FOUND",
                        CUresult.CUDA_ERROR_NOT_FOUND, "no module of " + MODULES + " has this kernel");
            }
            function = new CUfunction();
            Cu.check(JCudaDriver.cuModuleGetFunction(function, module, name), "cuModuleGetFunction(" + name + ")");
            functions.put(name, function);
        }
        return function;
    }

    /** Unloads every module; returns the first failure code. */
    int unload() {
        int first = CUresult.CUDA_SUCCESS;
        for (CUmodule module : modules) {
            int result = JCudaDriver.cuModuleUnload(module);
            if (first == CUresult.CUDA_SUCCESS) {
                first = result;
            }
        }
        modules.clear();
        owners.clear();
        functions.clear();
        return first;
    }

    /** The text of PTX resource {@code name}.ptx. */
    static String ptx(String name) {
        try (InputStream in = Kernels.class.getResourceAsStream(name + ".ptx")) {
            if (in == null) {
                throw new IllegalStateException("PTX resource " + name + ".ptx is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PTX resource " + name + ".ptx", e);
        }
    }

    /** The kernel names a PTX text defines, in order. */
    static List<String> entries(String ptx) {
        List<String> names = new ArrayList<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Every kernel of every module, by module. */
    static Map<String, List<String>> allEntries() {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (String name : MODULES) {
            all.put(name, entries(ptx(name)));
        }
        return all;
    }

    /** The PTX ISA version the resources declare, e.g. {@code 8.0}. */
    static String ptxIsa() {
        Matcher m = VERSION.matcher(ptx(MODULES.get(0)));
        return m.find() ? m.group(1) : "?";
    }
}
