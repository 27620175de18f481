package org.distill4j.cli;

/**
 * A value or combination of options the command line itself rejects before doing any work;
 * {@link Main} prints its message and exits with code 2.
 */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }

    /**
     * The value {@code settings} makes from option values, with the library's {@link IllegalArgumentException} for a
     * bad value (such as a learning rate of 0) turned into a usage error with the same message.
     */
    public static <T> T ofOptions(java.util.function.Supplier<T> settings) {
        try {
            return settings.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
