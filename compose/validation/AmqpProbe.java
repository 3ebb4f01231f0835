import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * compose/validate.sh's faulty sender: publishes, with publisher confirms, the messages that make kurir's
 * failure metrics appear, so that the dashboards' failure panels and the alert expressions are checked on real
 * series. Run with kurir's shaded jar on the class path (it contains amqp-client):
 * {@code java -cp bootstrap/target/kurir.jar compose/validation/AmqpProbe.java amqp://guest:guest@127.0.0.1:5672/vhost}
 * <ul>
 * <li>a {@code stock.reserved} for an order that does not exist: the orders inbox marks it FAILED at once
 *     ({@code kurir_inbox_failed_total{reason="invalid_message"}}, {@code kurir_inbox_failed_rows});</li>
 * <li>the same message again, same message id: dropped as a duplicate ({@code kurir_inbox_duplicates_total});</li>
 * <li>a message without a message id: kurir dead-letters it to queue {@code kurir.dead-letter}.</li>
 * </ul>
 * With a second argument, {@code refuse} makes the broker nack every {@code order.*} publish and {@code accept} ends
 * that: a classic queue that refuses everything ({@code x-max-length 0, x-overflow reject-publish}), bound beside
 * the items module's queue; RabbitMQ nacks a message that any of its queues refused. (A policy on the items queue
 * itself would not do: a quorum queue refuses only once it is over its limit, and its consumer keeps it empty.)
 */
public final class AmqpProbe {
    private AmqpProbe() {
    }

    /** Connects, waiting up to a minute for a broker that is restarting. */
    private static Connection connect(ConnectionFactory factory) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return factory.newConnection("kurir-validate-probe");
            } catch (java.io.IOException e) {
                if (attempt == 60) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
    }

    private static final String REFUSING_QUEUE = "kurir-validate.refuse-all";

    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(args[0]);
        String mode = args.length > 1 ? args[1] : "messages";
        try (Connection connection = connect(factory);
             Channel channel = connection.createChannel()) {
            switch (mode) {
                case "refuse" -> {
                    channel.queueDeclare(REFUSING_QUEUE, false, false, false,
                            Map.of("x-max-length", 0, "x-overflow", "reject-publish"));
                    channel.queueBind(REFUSING_QUEUE, "orders", "order.*");
                    System.out.println("order.* publishes are refused");
                }
                case "accept" -> {
                    channel.queueDelete(REFUSING_QUEUE);
                    System.out.println("order.* publishes are accepted again");
                }
                case "messages" -> publishFaultyMessages(channel);
                default -> throw new IllegalArgumentException("unknown mode " + mode + ": messages, refuse or accept");
            }
        }
    }

    private static void publishFaultyMessages(Channel channel) throws Exception {
        channel.confirmSelect();
        String messageId = UUID.randomUUID().toString();
        byte[] unknownOrder = ("{\"order_id\":\"" + UUID.randomUUID() + "\",\"items\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        AMQP.BasicProperties withId = new AMQP.BasicProperties.Builder()
                .messageId(messageId).type("stock.reserved").appId("kurir-validate")
                .contentType("application/json").deliveryMode(2).build();
        channel.basicPublish("items", "stock.reserved", true, withId, unknownOrder);
        channel.waitForConfirmsOrDie(10_000);
        Thread.sleep(500); // the first copy is recorded before the second arrives
        channel.basicPublish("items", "stock.reserved", true, withId, unknownOrder);
        AMQP.BasicProperties withoutId = new AMQP.BasicProperties.Builder()
                .type("stock.reserved").appId("kurir-validate").contentType("application/json")
                .deliveryMode(2).build();
        channel.basicPublish("items", "stock.reserved", true, withoutId, unknownOrder);
        channel.waitForConfirmsOrDie(10_000);
        System.out.println("published: unknown-order stock.reserved " + messageId
                + " twice, and one message without a message id");
    }
}
