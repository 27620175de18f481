/**
 * The OpenCL backend (JOCL): {@link org.distill4j.backend.opencl.OpenClBackendProvider} (name
 * {@code opencl}) makes an {@link org.distill4j.backend.opencl.OpenClBackend} whose ops are the
 * OpenCL C kernels in this package's {@code .cl} resources. It passes the shared conformance suite
 * (also on PoCL's CPU device) and is registered as a {@code BackendProvider} service.
 */
package org.distill4j.backend.opencl;
