package org.distill4j.io;

/** Checks on float data read from files, such as teacher logits, reported as {@link DataFormatException}s. */
public final class FloatChecks {
    private FloatChecks() {
    }

    /**
     * Throws unless every value is finite. {@code data} is a row-major matrix with {@code columns} columns;
     * the error names the first NaN or infinity by row and column (0-based) and counts all of them.
     */
    public static void requireFinite(String source, float[] data, int columns) throws DataFormatException {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be >= 1, found " + columns);
        }
        int first = -1;
        long count = 0;
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                if (first < 0) {
                    first = i;
                }
                count++;
            }
        }
        if (first >= 0) {
            throw new DataFormatException(source, "value at row " + first / columns + ", column " + first % columns
                    + " is " + data[first] + ", expected only finite values (" + count + " of " + data.length + " are not finite)");
        }
    }
}
