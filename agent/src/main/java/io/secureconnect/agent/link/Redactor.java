package io.secureconnect.agent.link;

/** Last line of defence: text that reaches a log line (e.g. a gateway's message) never shows the API key. */
final class Redactor {

    private final String secret;

    Redactor(String secret) {
        this.secret = secret;
    }

    String clean(String text) {
        if (text == null) {
            return "";
        }
        return secret.isEmpty() ? text : text.replace(secret, "***");
    }
}
