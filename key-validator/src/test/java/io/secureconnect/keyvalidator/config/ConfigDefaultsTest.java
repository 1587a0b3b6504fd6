package io.secureconnect.keyvalidator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.configuration.DurationConverter;
import io.secureconnect.keyvalidator.secret.PepperSetting;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pins every default of secureconnect.keys.* (read from the mapping alone, without application.properties). */
class ConfigDefaultsTest {

    @Test
    void pinsTheDefaults() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(KeysConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()).build();
        KeysConfig keys = config.getConfigMapping(KeysConfig.class);
        assertEquals(Optional.empty(), keys.pepper());
        assertEquals(Duration.ofSeconds(30), keys.cacheTtl());
        assertEquals(100_000, keys.cacheMaxEntries());
        assertEquals(Duration.ofMillis(200), keys.revocationPollInterval());
        assertEquals(Duration.ofSeconds(1), keys.revocationMaxStaleness());
        assertEquals(Duration.ofSeconds(1), keys.expirySweepInterval());
        assertEquals(Duration.ofSeconds(5), keys.lastUsedFlushInterval());
        assertEquals(Duration.ofDays(30), keys.defaultTokenLifetime());
        assertEquals(Duration.ofSeconds(60), keys.leaseReceiptLifetime());
        assertTrue(keys.bootstrap().enabled());
        assertEquals("default", keys.bootstrap().account());
        assertEquals(Duration.ofDays(90), keys.bootstrap().tokenLifetime());
        assertEquals(java.util.Optional.empty(), keys.bootstrap().tokenFile());
        assertEquals(20, keys.rateLimit().maxFailures());
        assertEquals(Duration.ofSeconds(10), keys.rateLimit().window());
        assertEquals(50, keys.rateLimit().perKey().maxFailures());
        assertEquals(Duration.ofSeconds(60), keys.rateLimit().perKey().window());
        assertEquals(100_000, keys.rateLimit().perKey().maxEntries());
        assertEquals(2, keys.store().threads());
        assertEquals(64, keys.store().batchMax());
        assertEquals(10_000, keys.store().queueMax());
    }

    @Test
    void refusesAMissingOrShortPepperNamingTheSettingButNotTheValue() {
        assertEquals("startup refused: secureconnect.keys.pepper is not set; give at least 32 characters, the same"
                + " on every replica (env SECURECONNECT_KEYS_PEPPER)", PepperSetting.problem(Optional.empty()).orElseThrow());
        String shortOne = PepperSetting.problem(Optional.of("tooShortPepper")).orElseThrow();
        assertEquals("startup refused: secureconnect.keys.pepper=<hidden, 14 characters>: must be at least 32 characters",
                shortOne);
        assertFalse(shortOne.contains("tooShortPepper"));
        assertTrue(PepperSetting.problem(Optional.of("x".repeat(32))).isEmpty());
    }
}
