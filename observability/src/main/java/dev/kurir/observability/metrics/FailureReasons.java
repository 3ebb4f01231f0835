package dev.kurir.observability.metrics;

import java.util.Locale;

/**
 * Maps a failure's free text to a bounded {@code reason} label: the text names ids, exchanges and causes, and
 * must never become a label value itself.
 */
final class FailureReasons {
    static final String NACKED = "nacked";
    static final String REJECTED = "rejected";
    static final String INVALID_MESSAGE = "invalid_message";
    static final String ERROR = "error";

    private FailureReasons() {
    }

    /**
     * A publish failure, from the publisher's wording: "nacked by ...", "rejected by ...". (A message returned as
     * unroutable is no failed attempt: it has a counter of its own.)
     */
    static String ofPublish(String reason) {
        String text = reason == null ? "" : reason.strip().toLowerCase(Locale.ROOT);
        if (text.startsWith(NACKED)) {
            return NACKED;
        }
        if (text.startsWith(REJECTED)) {
            return REJECTED;
        }
        return ERROR;
    }

    /**
     * An inbox message given up on. The inbox gives up before the retries are used up only for a message that can
     * never apply (missing field, unknown order); otherwise its last retry failed too.
     *
     * @param retriesSoFar the message's retry count when it failed
     * @param maxRetries   the retries allowed after the first attempt
     */
    static String ofGivenUpMessage(int retriesSoFar, int maxRetries) {
        return retriesSoFar < maxRetries ? INVALID_MESSAGE : ERROR;
    }
}
