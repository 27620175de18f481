package org.distill4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** What a data file holds, told by its first bytes rather than its name. */
public enum FileKind {
    /** A NumPy array: the magic {@code \x93NUMPY}. */
    NPY,
    /** An IDX file of unsigned bytes ({@code 00 00 08 nn}), or gzip data, which {@link IdxReader} reads as IDX. */
    IDX,
    /** Anything else, read as text. */
    TEXT;

    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** The kind of {@code file}'s content. */
    public static FileKind of(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(NPY_MAGIC.length);
        }
        if (head.length == NPY_MAGIC.length && Arrays.equals(head, NPY_MAGIC)) {
            return NPY;
        }
        if (head.length >= 2 && (head[0] & 0xFF) == 0x1f && (head[1] & 0xFF) == 0x8b) {
            return IDX;
        }
        return head.length >= 3 && head[0] == 0 && head[1] == 0 && head[2] == 0x08 ? IDX : TEXT;
    }
}
