package io.secureconnect.agent;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.secureconnect.agent.config.BadSettingException;
import io.secureconnect.agent.config.SettingsParser;
import java.util.List;

/**
 * Checks the settings (env vars and flags) before Quarkus starts, so a wrong one ends in one line naming it and
 * its allowed values, and exit status 2.
 */
@QuarkusMain
public class AgentMain {

    public static final int EXIT_BAD_SETTING = 2;

    public static void main(String... args) {
        if (List.of(args).contains("--help")) {
            System.out.println(SettingsParser.usage());
            return;
        }
        try {
            SettingsParser.parse(System.getenv(), List.of(args));
        } catch (BadSettingException e) {
            System.err.println(e.line());
            System.exit(EXIT_BAD_SETTING);
        }
        Quarkus.run(args);
    }
}
