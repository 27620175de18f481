/**
 * Training data: the in-memory {@link org.distill4j.data.Dataset}, readers for MNIST IDX files
 * ({@link org.distill4j.data.IdxReader}, {@link org.distill4j.data.Mnist}) and numeric CSV
 * ({@link org.distill4j.data.CsvReader}), and {@link org.distill4j.data.MnistFetcher}, which installs the MNIST files.
 */
package org.distill4j.data;
