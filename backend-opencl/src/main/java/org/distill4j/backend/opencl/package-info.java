/**
 * The OpenCL backend (JOCL). Until it passes the conformance suite it registers no
 * {@link org.distill4j.backend.BackendProvider}.
 */
package org.distill4j.backend.opencl;
