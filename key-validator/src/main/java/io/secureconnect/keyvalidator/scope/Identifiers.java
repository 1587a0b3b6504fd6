package io.secureconnect.keyvalidator.scope;

/**
 * Identifiers as key-validator uses them: the one rule of every service ({@link
 * io.secureconnect.common.input.Identifiers}, for accounts, orgs, projects, keys, tokens and bindings), and the
 * names of resources in resource groups, which may also be a port number.
 */
public final class Identifiers {

    public static final String PATTERN = io.secureconnect.common.input.Identifiers.PATTERN;
    public static final String RULE = io.secureconnect.common.input.Identifiers.RULE;

    private Identifiers() {
    }


    public static boolean isValid(String value) {
        return io.secureconnect.common.input.Identifiers.isValid(value);
    }

    /** A path identifier no object can have is a 400 naming the path parameter, and is never looked up. */
    public static void requirePath(String field, String value) {
        io.secureconnect.common.input.Identifiers.require(field, value);
    }

    /** What a resource's identifier may be: an identifier, or a number (a tunnel is named by its port, "30001"). */
    public static final String RESOURCE_RULE = RULE + " or be a number of 1 to 9 digits";

    /** An identifier, or 1 to 9 digits: how resources are named in resource groups and resource checks. */
    public static boolean isResourceIdentifier(String value) {
        if (isValid(value)) {
            return true;
        }
        if (value == null || value.isEmpty() || value.length() > 9) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
