package org.distill4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.distill4j.io.DataFormatException;
import org.distill4j.io.Npy;
import org.distill4j.io.NpyArray;

/**
 * Reads a list of row ids, 0-based indices of rows of a transfer set: text with one non-negative integer per line
 * (blank lines skipped), or a 1-D {@code .npy} array of integers. Ids are distinct and below the transfer set's size.
 */
public final class RowIds {
    private static final Pattern ID = Pattern.compile("\\d{1,10}");

    private RowIds() {
    }

    /** Reads the ids in {@code file}, in file order; each must be below {@code transferRows}. */
    public static int[] read(Path file, int transferRows) throws IOException {
        return FileKind.of(file) == FileKind.NPY ? npy(file, transferRows) : text(file, transferRows);
    }

    private static int[] text(Path file, int transferRows) throws IOException {
        String source = file.toString();
        Ids ids = new Ids(source, transferRows, "line");
        try (CsvText.Lines in = new CsvText.Lines(file)) {
            for (String line; (line = in.next()) != null; ) {
                String cell = line.strip();
                if (cell.isEmpty()) {
                    continue;
                }
                if (!ID.matcher(cell).matches()) {
                    throw new DataFormatException(source, "line " + in.number() + ": '" + CsvText.abbreviate(cell)
                            + "', expected a row id (a non-negative integer)");
                }
                ids.add(Long.parseLong(cell), in.number());
            }
        }
        return ids.toArray();
    }

    private static int[] npy(Path file, int transferRows) throws IOException {
        NpyArray a = Npy.read(file);
        if (a.shape().length != 1) {
            throw DataFormatException.mismatch(a.source(), "shape", Npy.shapeString(a.shape()), "(N,): one id per element");
        }
        if (a.descr().length() < 2 || (a.descr().charAt(1) != 'i' && a.descr().charAt(1) != 'u')) {
            throw DataFormatException.mismatch(a.source(), "dtype", "'" + a.descr() + "'", "an integer type such as '<i8'");
        }
        Ids ids = new Ids(a.source(), transferRows, "index");
        for (int i = 0; i < a.data().length; i++) {
            ids.add((long) a.data()[i], i);
        }
        return ids.toArray();
    }

    /** Ids as they are read, checked for range and repeats. */
    private static final class Ids {
        private final String source;
        private final int limit;
        private final String unit;
        private final int[] firstAt;
        private int[] ids = new int[16];
        private int size;

        Ids(String source, int limit, String unit) {
            if (limit < 0) {
                throw new IllegalArgumentException("transferRows must be >= 0, found " + limit);
            }
            this.source = source;
            this.limit = limit;
            this.unit = unit;
            this.firstAt = new int[limit];
            Arrays.fill(firstAt, -1);
        }

        void add(long id, int at) throws DataFormatException {
            if (id < 0 || id >= limit) {
                throw new DataFormatException(source, unit + " " + at + ": row id " + id + ", expected 0 to " + (limit - 1)
                        + " (the transfer set has " + limit + " rows)");
            }
            if (firstAt[(int) id] >= 0) {
                throw new DataFormatException(source, unit + " " + at + ": row id " + id + " appears again, first on "
                        + unit + " " + firstAt[(int) id] + "; expected distinct ids");
            }
            firstAt[(int) id] = at;
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, 2 * size);
            }
            ids[size++] = (int) id;
        }

        int[] toArray() throws DataFormatException {
            if (size == 0) {
                throw new DataFormatException(source, "holds no row ids, expected at least one");
            }
            return Arrays.copyOf(ids, size);
        }
    }
}
