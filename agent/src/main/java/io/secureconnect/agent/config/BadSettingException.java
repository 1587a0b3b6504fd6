package io.secureconnect.agent.config;

/** A setting the agent cannot run with. {@link #line()} is the one line printed before exiting with status 2. */
public final class BadSettingException extends Exception {

    private static final long serialVersionUID = 1L;

    public BadSettingException(String line) {
        super(line, null, false, false);
    }

    /** Names the setting (and its value when that is not a secret) and the allowed values. */
    public String line() {
        return getMessage();
    }
}
