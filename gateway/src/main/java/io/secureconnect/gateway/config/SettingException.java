package io.secureconnect.gateway.config;

import io.secureconnect.common.startup.StartupProblem;

/** A bad setting: its message is one line naming the setting, the value and the allowed values. */
public class SettingException extends IllegalArgumentException {

    private final transient StartupProblem problem;

    public SettingException(String setting, String value, String allowed) {
        this(new StartupProblem(setting, value, allowed));
    }

    public SettingException(StartupProblem problem) {
        super(problem.setting() + "=" + problem.value() + ": " + problem.reason(), null);
        this.problem = problem;
    }

    public StartupProblem problem() {
        return problem;
    }
}
