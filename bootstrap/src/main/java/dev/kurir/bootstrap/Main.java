package dev.kurir.bootstrap;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar kurir.jar}: reads the environment, starts kurir, and on SIGTERM stops it in order within
 * {@code KURIR_SHUTDOWN_TIMEOUT}. With {@code --exit-when-ready} it stops as soon as it has started and exits 0 (1 if
 * it could not start or stop, 2 for an invalid configuration): a check of the configuration and the connections, and
 * the training run a JVM's AOT cache is recorded from (docs/configuration.md).
 */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        boolean exitWhenReady = args.length == 1 && args[0].equals("--exit-when-ready");
        if (args.length > 0 && !exitWhenReady) {
            log.error("invalid arguments: {}; the only argument kurir takes is --exit-when-ready",
                    String.join(" ", args));
            System.exit(2);
            return;
        }
        Map<String, String> env = System.getenv();
        KurirConfig config;
        try {
            config = KurirConfig.from(env);
        } catch (ConfigException e) {
            log.error("invalid configuration: {}", e.getMessage());
            System.exit(2);
            return;
        }
        KurirConfig.unknownVariables(env).forEach(name -> log.warn("ignoring unknown variable {}", name));
        log.info("starting kurir with {}", config);
        try {
            Kurir kurir = Kurir.start(config);
            if (exitWhenReady) {
                System.exit(stop(kurir, config.shutdownTimeout()) ? 0 : 1);
                return;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(kurir, config.shutdownTimeout()),
                    "kurir-shutdown"));
        } catch (ConfigException e) {
            // Found only once kurir reached what it configures (e.g. the broker's queues): still one line, no trace.
            log.error("invalid configuration: {}", e.getMessage());
            System.exit(2);
        } catch (RuntimeException | Error e) {
            log.error("kurir could not start: {}", e.getMessage(), e);
            System.exit(1);
        }
    }

    /**
     * Stops kurir; past the timeout the JVM exits anyway, and what was not finished is left to leases and redelivery.
     *
     * @return whether it stopped within the timeout
     */
    private static boolean stop(Kurir kurir, java.time.Duration timeout) {
        Thread closer = Thread.ofPlatform().name("kurir-stop").start(kurir::close);
        try {
            closer.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            log.warn("shutdown did not finish within {}; exiting anyway", timeout);
            return false;
        }
        return true;
    }
}
