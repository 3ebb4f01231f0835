package dev.kurir.observability.metrics;

/**
 * Maps a failure's free text to a bounded {@code reason} label: the text names ids, exchanges and causes, and
 * must never become a label value itself. The buckets are the application's own
 * ({@link dev.kurir.application.messaging.FailureReasons}), so that an operator grouping FAILED rows sees the reasons
 * the metrics count.
 */
final class FailureReasons {
    static final String NACKED = dev.kurir.application.messaging.FailureReasons.NACKED;
    static final String REJECTED = dev.kurir.application.messaging.FailureReasons.REJECTED;
    static final String INVALID_MESSAGE = dev.kurir.application.messaging.FailureReasons.INVALID_MESSAGE;
    static final String ERROR = dev.kurir.application.messaging.FailureReasons.ERROR;

    private FailureReasons() {
    }

    /**
     * A publish failure, from the publisher's wording: "nacked by ...", "rejected by ...". (A message returned as
     * unroutable is no failed attempt: it has a counter of its own.)
     */
    static String ofPublish(String reason) {
        return dev.kurir.application.messaging.FailureReasons.ofPublish(reason);
    }

    /**
     * An inbox message given up on. The inbox gives up before the retries are used up only for a message that can
     * never apply (missing field, unknown order); otherwise its last retry failed too.
     *
     * @param retriesSoFar the message's retry count when it failed
     * @param maxRetries   the retries allowed after the first attempt
     */
    static String ofGivenUpMessage(int retriesSoFar, int maxRetries) {
        return dev.kurir.application.messaging.FailureReasons.ofGivenUpMessage(retriesSoFar, maxRetries);
    }
}
