package dev.kurir.bootstrap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A scraped Prometheus text or OpenMetrics exposition, parsed into samples for assertions. */
final class Exposition {

    /** @param exemplarLabels the OpenMetrics exemplar's labels; empty when the sample has none */
    record Sample(String name, Map<String, String> labels, double value, Map<String, String> exemplarLabels) {
        boolean has(Map<String, String> wanted) {
            return labels.entrySet().containsAll(wanted.entrySet());
        }
    }

    private final List<Sample> samples;

    private Exposition(List<Sample> samples) {
        this.samples = samples;
    }

    static Exposition parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(sample(line));
            }
        }
        return new Exposition(samples);
    }

    /** The samples named {@code name} whose labels include {@code labelPairs} (name, value, name, value...). */
    List<Sample> samples(String name, String... labelPairs) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            wanted.put(labelPairs[i], labelPairs[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name) && s.has(wanted)).toList();
    }

    /** The sum over the matching samples; fails when there is none. */
    double value(String name, String... labelPairs) {
        List<Sample> matching = samples(name, labelPairs);
        if (matching.isEmpty()) {
            throw new AssertionError("no sample " + name + " " + List.of(labelPairs));
        }
        return matching.stream().mapToDouble(Sample::value).sum();
    }

    private static Sample sample(String line) {
        int[] at = {0};
        while (at[0] < line.length() && line.charAt(at[0]) != '{' && line.charAt(at[0]) != ' ') {
            at[0]++;
        }
        String name = line.substring(0, at[0]);
        Map<String, String> labels = labels(line, at);
        String rest = line.substring(at[0]).strip();
        int hash = rest.indexOf(" # ");
        String value = (hash < 0 ? rest : rest.substring(0, hash)).split(" ")[0];
        Map<String, String> exemplar = Map.of();
        if (hash >= 0) {
            int[] exemplarAt = {hash + 3};
            exemplar = labels(rest, exemplarAt);
        }
        return new Sample(name, labels, Double.parseDouble(value), exemplar);
    }

    /** Reads {@code {name="value",...}} at {@code at[0]}, if there, honouring escapes; moves {@code at[0]} past it. */
    private static Map<String, String> labels(String text, int[] at) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (at[0] >= text.length() || text.charAt(at[0]) != '{') {
            return labels;
        }
        int i = at[0] + 1;
        while (text.charAt(i) != '}') {
            int equals = text.indexOf('=', i);
            String key = text.substring(i, equals);
            StringBuilder value = new StringBuilder();
            i = equals + 2; // past ="
            while (text.charAt(i) != '"') {
                char c = text.charAt(i++);
                if (c == '\\') {
                    char escaped = text.charAt(i++);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
            }
            labels.put(key, value.toString());
            i++; // past the closing quote
            if (text.charAt(i) == ',') {
                i++;
            }
        }
        at[0] = i + 1;
        return labels;
    }
}
