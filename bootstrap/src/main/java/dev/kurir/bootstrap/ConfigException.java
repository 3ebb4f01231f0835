package dev.kurir.bootstrap;

/** A configuration variable has a value kurir cannot use; the message names the variable. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String variable, String problem) {
        super(variable + " " + problem);
    }
}
