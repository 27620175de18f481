/**
 * Model and array files: safetensors ({@link org.distill4j.io.Safetensors}), NumPy {@code .npy}
 * ({@link org.distill4j.io.Npy}), atomic file replacement ({@link org.distill4j.io.AtomicFiles}) and the
 * {@link org.distill4j.io.DataFormatException} every reader throws for bad content, naming the file and the problem.
 */
package org.distill4j.io;
