/**
 * Training data: the in-memory {@link org.distill4j.data.Dataset}; {@link org.distill4j.data.DataFiles}, which loads
 * a run's training, validation, test and transfer files, and the readers it uses: tables with a header
 * ({@link org.distill4j.data.TableReader}), {@code .npy} features ({@link org.distill4j.data.NpyFeatures}), label files
 * ({@link org.distill4j.data.LabelFile}) and the mapping of labels to classes ({@link org.distill4j.data.ClassIndex});
 * row id lists ({@link org.distill4j.data.RowIds}); readers for MNIST IDX files ({@link org.distill4j.data.IdxReader},
 * {@link org.distill4j.data.Mnist}) and numeric CSV ({@link org.distill4j.data.CsvReader}); and
 * {@link org.distill4j.data.MnistFetcher}, which installs the MNIST files.
 */
package org.distill4j.data;
