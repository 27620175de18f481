package org.distill4j.backend.opencl;

/** An OpenCL call failed; the message names the call and the error code (e.g. {@code CL_OUT_OF_RESOURCES}). */
public class OpenClException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errorCode;

    public OpenClException(String message, int errorCode) {
        super(message);
        this.errorCode = errorCode;
    }

    /** The OpenCL error code, e.g. {@code -5} for {@code CL_OUT_OF_RESOURCES}. */
    public int errorCode() {
        return errorCode;
    }
}
