package io.secureconnect.common.startup;

/** Why a service refuses to start: the setting at fault, its value (never a secret) and what is wrong. */
public record StartupProblem(String setting, String value, String reason) {

    /** The one line printed before exiting. */
    public String line() {
        return "startup refused: " + setting + "=" + value + ": " + reason;
    }
}
