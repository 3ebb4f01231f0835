package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.testing.Prerequisite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The benchmark keeps working (issue 7: "CI may run a 10-second smoke of it"): {@code bench/run.sh --smoke} starts
 * the built jar with the agent as the benchmark does (the OTLP sink, a scratch database and
 * vhost, 100 seeded items), drives it with the benchmark's load generator at 100 orders/s for 10 s and exits 1
 * unless every order placed was CONFIRMED. So a change to kurir or to the benchmark's scripts and tools that breaks
 * the benchmark fails the build instead of the next measurement.
 */
class BenchSmokeIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void benchmarkSmoke_confirmsEveryOrderPlaced() throws Exception {
        // The benchmark measures against the local servers, through their own clients; the suite itself also passes
        // on a machine with only a JDK, where this test has nothing to run against.
        Prerequisite.require(succeeds("command -v psql && command -v rabbitmqctl && pg_isready -h 127.0.0.1 -p 5432 -q"
                + " && rabbitmqctl -q list_vhosts"), "BenchSmokeIT", "the local PostgreSQL and RabbitMQ with psql and "
                + "rabbitmqctl (the benchmark measures against them through their own clients)");

        Path report = ROOT.resolve("bench/target/smoke.md");
        Files.deleteIfExists(report); // written by this run or not at all
        Path output = Files.createTempFile("bench-smoke", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", "bench/run.sh", "--smoke", "--no-build")
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> environment = builder.environment();
        KurirProcess.dropInheritedConfiguration(environment);
        environment.keySet().removeIf(name -> name.startsWith("BENCH_")); // the benchmark's knobs, at their defaults
        environment.put("JAVA_HOME", KurirProcess.JAVA_HOME.toString());
        try {
            Process bench = builder.start();
            if (!bench.waitFor(10, TimeUnit.MINUTES)) {
                stop(bench); // SIGTERM: the script's trap stops what it started and drops its database and vhost
            }
            assertEquals(0, bench.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
        String smoke = Files.readString(report);
        assertTrue(smoke.contains("| verdict | the saga works |"), smoke);
    }

    private static boolean succeeds(String command) throws Exception {
        Process check = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0;
    }

    private static void stop(Process bench) throws InterruptedException {
        bench.destroy();
        if (!bench.waitFor(60, TimeUnit.SECONDS)) {
            bench.descendants().forEach(ProcessHandle::destroyForcibly);
            bench.destroyForcibly().waitFor();
        }
    }
}
