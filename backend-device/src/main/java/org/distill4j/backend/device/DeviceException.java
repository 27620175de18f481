package org.distill4j.backend.device;

/**
 * A native call of a device driver failed; the message names the call and the status, e.g.
 * {@code cuMemAlloc(4096 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2)}, then any detail.
 */
public class DeviceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final String status;
    private final int code;

    public DeviceException(String call, String status, int code, String detail) {
        super(call + " failed: " + status + " (" + code + ")" + (detail == null || detail.isEmpty() ? "" : "; " + detail));
        this.call = call;
        this.status = status;
        this.code = code;
    }

    /** The call that failed, with its most telling argument, e.g. {@code cuLaunchKernel(softmax)}. */
    public String call() {
        return call;
    }

    /** The status name, e.g. {@code CUDA_ERROR_UNSUPPORTED_PTX_VERSION} or {@code CL_OUT_OF_RESOURCES}. */
    public String status() {
        return status;
    }

    /** The numeric status, e.g. a {@code CUresult}, {@code cublasStatus_t} or OpenCL error code. */
    public int code() {
        return code;
    }
}
