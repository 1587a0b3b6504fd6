package io.secureconnect.policy.config;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * A switch that takes only {@code true} or {@code false}: SmallRye's own would read {@code yes} or {@code on} as true
 * and any typo as false, quietly turning the feature off.
 */
public final class TrueOrFalse implements Converter<Boolean> {

    @Override
    public Boolean convert(String value) {
        return switch (value.trim()) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("must be true or false, not " + value);
        };
    }
}
