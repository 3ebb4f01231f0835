package dev.kurir.adapters.rabbitmq;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.kurir.application.messaging.MessagingTracing;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeliveryCheckTest {
    private static final Envelope ENVELOPE = new Envelope(1, false, "orders", "order.created");
    private static final FakeInbox INBOX = new FakeInbox("order.created");
    private static final String ID = "0b9f4f3e-6a3c-4a4e-9d8e-2f4b3c1d2e5f";

    @Test
    void check_validDelivery_isAcceptedWithItsTraceparentDecoded() {
        var properties = properties(ID).appId("order-service")
                .headers(Map.of("traceparent", LongStringHelper.asLongString("00-abc-def-01"))).build();

        var verdict = DeliveryCheck.check(ENVELOPE, properties, "{\"a\":1}".getBytes(UTF_8), INBOX,
                MessagingTracing.NONE);

        assertNull(verdict.rejection());
        assertEquals(UUID.fromString(ID), verdict.delivery().messageId());
        assertEquals("00-abc-def-01", verdict.delivery().traceparent());
        assertEquals("order-service", verdict.delivery().senderId());
    }

    @Test
    void check_whileATraceIsCurrent_keepsTheCurrentContext_notTheHeader() {
        var properties = properties(ID)
                .headers(Map.of("traceparent", LongStringHelper.asLongString("00-abc-def-01"))).build();
        String consumerSpan = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        var verdict = DeliveryCheck.check(ENVELOPE, properties, "{}".getBytes(UTF_8), INBOX,
                MessagingTracing.reporting(consumerSpan));

        assertEquals(consumerSpan, verdict.delivery().traceparent());
    }

    @Test
    void check_nonCanonicalUuid_isRejected() {
        assertEquals("message_id is not a UUID: '1-2-3-4-5'", rejection(properties("1-2-3-4-5").build(), "{}"));
    }

    @Test
    void check_upperCaseUuid_isAccepted() {
        assertNull(rejection(properties(ID.toUpperCase()).build(), "{}"));
    }

    @Test
    void check_objectFollowedByMoreJson_isRejected() {
        assertEquals("body is not JSON: ", rejection(properties(ID).build(), "{} {}").substring(0, 18));
    }

    @Test
    void check_emptyBody_isRejected() {
        assertEquals("body is empty", rejection(properties(ID).build(), ""));
    }

    @Test
    void check_bodyThatIsNotUtf8_isRejected() {
        var verdict = DeliveryCheck.check(ENVELOPE, properties(ID).build(), new byte[] {'{', (byte) 0xC3, '}'}, INBOX,
                MessagingTracing.NONE);

        assertEquals("body is not UTF-8 text", verdict.rejection());
    }

    private static String rejection(AMQP.BasicProperties properties, String body) {
        return DeliveryCheck.check(ENVELOPE, properties, body.getBytes(UTF_8), INBOX, MessagingTracing.NONE)
                .rejection();
    }

    private static AMQP.BasicProperties.Builder properties(String messageId) {
        return new AMQP.BasicProperties.Builder().messageId(messageId).type("order.created");
    }
}
