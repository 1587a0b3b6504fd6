package io.secureconnect.policy.config;

import io.quarkus.runtime.StartupEvent;
import io.secureconnect.common.startup.StartupProblem;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;

/** Refuses to start with a bad connector-policy setting, also where {@code main} did not run (tests, dev mode). */
@Singleton
public class SettingsCheck {

    void onStart(@Observes StartupEvent event, PolicyConfig config) {
        List<StartupProblem> problems = PolicySettings.problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(problems.get(0).line());
        }
    }
}
