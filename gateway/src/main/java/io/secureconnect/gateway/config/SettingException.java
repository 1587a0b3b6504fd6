package io.secureconnect.gateway.config;

/** A bad setting: its message is one line naming the setting, the value and the allowed values. */
public class SettingException extends IllegalArgumentException {

    public SettingException(String setting, String value, String allowed) {
        super(setting + "=" + value + ": " + allowed, null);
    }
}
