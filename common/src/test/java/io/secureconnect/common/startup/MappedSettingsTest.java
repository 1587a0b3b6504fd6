package io.secureconnect.common.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SmallRye's messages (as Quarkus 3.33's SmallRye Config words them) made one line naming the setting. The services'
 * settings tests read real mappings through {@link MappedSettings#read}, so a change of wording shows there too.
 */
class MappedSettingsTest {

    @ConfigMapping(prefix = "sample")
    interface Sample {
    }

    private static String line(String message) {
        return MappedSettings.problem(message, Sample.class, setting -> setting.equals("sample.ttl")
                ? Optional.of("must be a duration such as 30s") : Optional.empty()).line();
    }

    @Test
    void namesAValueThatIsNotOfItsTypeWithWhatTheSettingTakes() {
        assertEquals("startup refused: sample.ttl=soon: must be a duration such as 30s", line("java.lang."
                + "IllegalArgumentException: SRCFG00039: The config property sample.ttl with the config value \"soon\""
                + " threw an Exception whilst being converted Invalid duration: soon"));
        assertEquals("startup refused: sample.ttl=: must be a duration such as 30s", line("java.util."
                + "NoSuchElementException: SRCFG00040: The config property sample.ttl is defined as the empty String"
                + " (\"\") which the following Converter considered to be null: DurationConverter"));
    }

    @Test
    void givesSmallRyesReasonWhereTheServiceGivesNone() {
        assertEquals("startup refused: sample.size=many: cannot be read: Expected an integer value, got \"many\"",
                line("java.lang.IllegalArgumentException: SRCFG00039: The config property sample.size with the config"
                        + " value \"many\" threw an Exception whilst being converted SRCFG00029: Expected an integer"
                        + " value, got \"many\""));
        assertEquals("startup refused: sample.name=: is required", line("java.util.NoSuchElementException:"
                + " SRCFG00014: The config property sample.name is required but it could not be found in any config"
                + " source"));
        assertEquals("startup refused: sample.*=: something else", line("SRCFG09999: something else"));
    }
}
