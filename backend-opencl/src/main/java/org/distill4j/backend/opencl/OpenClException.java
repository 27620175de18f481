package org.distill4j.backend.opencl;

import org.distill4j.backend.device.DeviceException;
import org.jocl.CL;

/** An OpenCL call failed; the status is the error code's name, e.g. {@code CL_OUT_OF_RESOURCES} for -5. */
public class OpenClException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public OpenClException(String call, int code, String detail) {
        super(call, CL.stringFor_errorCode(code), code, detail);
    }
}
