package io.secureconnect.common.auth;

import java.util.Set;
import java.util.TreeSet;

/**
 * Which resources of one type a caller may act on, as key-validator answers it from the caller's resource groups:
 * every one ({@link #ALL}), or exactly the identifiers named ({@link #NONE} when none). A list shows only what
 * {@link #covers} holds for.
 */
public record Coverage(boolean all, Set<String> identifiers) {

    public static final Coverage ALL = new Coverage(true, Set.of());
    public static final Coverage NONE = new Coverage(false, Set.of());

    public Coverage {
        identifiers = all ? Set.of() : Set.copyOf(identifiers);
    }

    public static Coverage of(Set<String> identifiers) {
        return identifiers.isEmpty() ? NONE : new Coverage(false, identifiers);
    }

    public boolean covers(String identifier) {
        return all || (identifier != null && identifiers.contains(identifier));
    }

    /** What either covers. */
    public Coverage union(Coverage other) {
        if (all || other.identifiers.isEmpty() && !other.all) {
            return this;
        }
        if (other.all || identifiers.isEmpty()) {
            return other;
        }
        Set<String> both = new TreeSet<>(identifiers);
        both.addAll(other.identifiers);
        return new Coverage(false, both);
    }

    /** What both cover. */
    public Coverage intersect(Coverage other) {
        if (other.all) {
            return this;
        }
        if (all) {
            return other;
        }
        Set<String> both = new TreeSet<>(identifiers);
        both.retainAll(other.identifiers);
        return of(both);
    }
}
