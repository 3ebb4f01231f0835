package dev.kurir.application.orders.port.in;

import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderLine;
import dev.kurir.domain.orders.Sku;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a customer asks for. Valid by construction: a well-formed customer id and 1–100 lines of positive quantity,
 * each sku once.
 *
 * @param idempotencyKey the client's {@code Idempotency-Key}, if it sent one: retries with the same key and the
 *                       same request get the first answer
 * @throws IllegalArgumentException from the constructor when any rule is broken, naming the rule
 */
public record PlaceOrderCommand(String customerId, List<Line> lines, Optional<String> idempotencyKey) {
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    public PlaceOrderCommand(String customerId, List<Line> lines) {
        this(customerId, lines, Optional.empty());
    }

    public PlaceOrderCommand {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        idempotencyKey.ifPresent(key -> {
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("Idempotency-Key must be 1-255 visible ASCII characters");
            }
        });
        Order.validateCustomerId(customerId);
        if (lines == null || lines.isEmpty()) {
            throw new IllegalArgumentException("items must hold at least one line");
        }
        if (lines.size() > Order.MAX_LINES) {
            throw new IllegalArgumentException("items holds at most " + Order.MAX_LINES + " lines, got " + lines.size());
        }
        lines = List.copyOf(lines);
        Set<Sku> seen = new HashSet<>();
        for (Line line : lines) {
            if (!seen.add(line.sku())) {
                throw new IllegalArgumentException("sku " + line.sku() + " appears in more than one line");
            }
        }
    }

    /** A digest of what is asked (customer and lines, in order), to tell a retry from a different request. */
    public String fingerprint() {
        StringBuilder text = new StringBuilder(customerId);
        lines.forEach(line -> text.append('|').append(line.sku().value()).append(':').append(line.quantity()));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** One requested line; priced later by the catalog. */
    public record Line(Sku sku, int quantity) {
        public Line {
            Objects.requireNonNull(sku, "sku");
            if (quantity < 1 || quantity > OrderLine.MAX_QUANTITY) {
                throw new IllegalArgumentException(
                        "quantity must be between 1 and " + OrderLine.MAX_QUANTITY + ", was " + quantity);
            }
        }
    }
}
