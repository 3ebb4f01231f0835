import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU went in a JFR recording (jdk.ExecutionSample): samples per thread group, and the share of samples whose
 * stack contains a frame of each library (a sample counts once per library, so the shares overlap).
 * Usage: {@code java JfrSummary.java recording.jfr}
 */
public final class JfrSummary {
    static final List<String[]> LIBRARIES = List.of(
            new String[] {"OpenTelemetry agent", "io.opentelemetry."},
            new String[] {"logging (logback, logstash encoder)", "ch.qos.logback.", "net.logstash."},
            new String[] {"Jackson", "com.fasterxml.jackson."},
            new String[] {"Jdbi", "org.jdbi."},
            new String[] {"PostgreSQL driver", "org.postgresql."},
            new String[] {"HikariCP", "com.zaxxer.hikari."},
            new String[] {"amqp-client", "com.rabbitmq."},
            new String[] {"Jetty + Javalin", "org.eclipse.jetty.", "io.javalin."},
            new String[] {"Prometheus client", "io.prometheus."},
            new String[] {"kurir code", "dev.kurir."});

    public static void main(String[] args) throws Exception {
        Map<String, Integer> threads = new TreeMap<>();
        Map<String, Integer> libraries = new HashMap<>();
        Map<String, Integer> kurirTop = new HashMap<>();
        int total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            total++;
            String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
            threads.merge(thread.replaceAll("[-@][0-9a-f]{4,}.*$", "").replaceAll("-\\d+$", "-N").replaceAll("\\d+", "N"), 1, Integer::sum);
            List<RecordedFrame> frames = event.getStackTrace() == null ? List.of() : event.getStackTrace().getFrames();
            for (String[] library : LIBRARIES) {
                boolean hit = false;
                for (RecordedFrame frame : frames) {
                    String type = frame.getMethod().getType().getName();
                    for (int i = 1; i < library.length && !hit; i++) {
                        hit = type.startsWith(library[i]);
                    }
                    if (hit) {
                        break;
                    }
                }
                if (hit) {
                    libraries.merge(library[0], 1, Integer::sum);
                }
            }
            for (RecordedFrame frame : frames) {
                String type = frame.getMethod().getType().getName();
                if (type.startsWith("dev.kurir.")) {
                    kurirTop.merge(type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName(), 1, Integer::sum);
                    break;
                }
            }
        }
        System.out.println("execution samples: " + total);
        System.out.println("\nby thread:");
        int all = total;
        threads.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(15)
                .forEach(e -> System.out.printf("  %5.1f %%  %s%n", 100.0 * e.getValue() / all, e.getKey()));
        System.out.println("\nsamples with a frame of (overlapping):");
        libraries.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> System.out.printf("  %5.1f %%  %s%n", 100.0 * e.getValue() / all, e.getKey()));
        System.out.println("\ninnermost kurir frame:");
        kurirTop.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(15)
                .forEach(e -> System.out.printf("  %5.1f %%  %s%n", 100.0 * e.getValue() / all, e.getKey()));
    }
}
