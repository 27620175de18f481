/**
 * The OpenCL backend (JOCL): {@link org.distill4j.backend.opencl.OpenClBackendProvider} (name
 * {@code opencl}) makes an {@link org.distill4j.backend.opencl.OpenClBackend} whose ops are the
 * shared kernel sources of backend-device, built as OpenCL C under this package's {@code dialect.cl}. It passes the shared conformance suite
 * (also on PoCL's CPU device) and is registered as a {@code BackendProvider} service.
 */
package org.distill4j.backend.opencl;
