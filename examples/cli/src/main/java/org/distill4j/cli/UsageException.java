package org.distill4j.cli;

/**
 * A value or combination of options the command line itself rejects before doing any work;
 * {@link Main} prints its message and exits with code 2.
 */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
