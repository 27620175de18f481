/**
 * The CUDA backend (JCuda and JCublas). Its kernels come with their own issue; until it passes
 * the conformance suite it registers no {@link org.distill4j.backend.BackendProvider}.
 */
package org.distill4j.backend.cuda;
