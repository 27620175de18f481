package org.distill4j.backend.cuda;

import org.distill4j.backend.device.DeviceException;

/** A CUDA driver or cuBLAS call failed; the status is a {@code CUresult} or {@code cublasStatus_t}. */
public class CudaException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public CudaException(String call, String status, int code, String detail) {
        super(call, status, code, detail);
    }
}
