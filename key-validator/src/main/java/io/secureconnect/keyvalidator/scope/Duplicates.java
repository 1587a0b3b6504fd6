package io.secureconnect.keyvalidator.scope;

import io.secureconnect.common.problem.ProblemException;
import java.util.Optional;
import org.hibernate.exception.ConstraintViolationException;

/** Turns a unique-constraint violation raised by PostgreSQL into 409 DUPLICATE_IDENTIFIER. */
public final class Duplicates {

    private Duplicates() {
    }

    /** Runs {@code write} (which must flush); a violation of {@code constraint} becomes a 409. */
    public static void conflictOn(String constraint, String detail, Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            if (violated(e).filter(constraint::equals).isPresent()) {
                throw ProblemException.conflict("DUPLICATE_IDENTIFIER", detail);
            }
            throw e;
        }
    }

    private static Optional<String> violated(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConstraintViolationException violation && violation.getConstraintName() != null) {
                return Optional.of(violation.getConstraintName());
            }
        }
        return Optional.empty();
    }
}
