package org.distill4j.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes files so that readers see either the old content or the complete new content, never a part.
 *
 * <p>The content goes to a temporary file in the target's directory, is forced to disk, and is then renamed
 * over the target with {@link StandardCopyOption#ATOMIC_MOVE}; finally the directory is synced where the
 * platform allows it. If anything fails, the temporary file is deleted and the old file is left as it was.
 * The parent directory must exist. A target that is a symbolic link is replaced by a regular file.
 */
public final class AtomicFiles {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Writes the whole content to a channel positioned at the start of an empty file. */
    @FunctionalInterface
    public interface ChannelBody {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Writes the whole content to a buffered stream; the stream must not be closed by the body. */
    @FunctionalInterface
    public interface StreamBody {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Replaces {@code target} atomically with what {@code body} writes to the channel. */
    public static void write(Path target, ChannelBody body) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        if (dir == null || file.getFileName() == null) {
            throw new IOException(target + ": not a file path");
        }
        if (Files.isDirectory(file)) {
            throw new IOException(target + ": is a directory, cannot replace it with a file");
        }
        Path temp = dir.resolve(tempName(file.getFileName().toString()));
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.writeTo(channel);
                channel.force(true);
            }
            move(temp, file);
            moved = true;
        } finally {
            if (!moved) {
                deleteQuietly(temp);
            }
        }
        syncDirectory(dir);
    }

    /** Replaces {@code target} atomically with what {@code body} writes to the stream. */
    public static void writeStream(Path target, StreamBody body) throws IOException {
        write(target, channel -> {
            OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            body.writeTo(new FilterOutputStream(buffered) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            });
            buffered.flush();
        });
    }

    /** Replaces {@code target} atomically with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, channel -> {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }

    /** Replaces {@code target} atomically with {@code text} encoded as UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Forces a directory's entries (such as a rename just made) to disk. Best effort: platforms that cannot
     * open a directory for reading (Windows) or cannot sync it are skipped silently.
     */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot sync directory {}: {}", dir, e.toString());
        }
    }

    private static void move(Path temp, Path file) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            LOG.warn("{}: the file system cannot rename atomically; replacing the file non-atomically", file);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String tempName(String fileName) {
        String stem = fileName.length() > 200 ? fileName.substring(0, 200) : fileName;
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return "." + stem + "." + HexFormat.of().formatHex(random) + ".tmp";
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("cannot delete temporary file {}: {}", temp, e.toString());
        }
    }
}
