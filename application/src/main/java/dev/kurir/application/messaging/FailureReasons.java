package dev.kurir.application.messaging;

import java.util.Locale;

/**
 * Maps a failure's free text to a small, bounded set of reasons: the text names ids, exchanges and causes. The
 * metrics label failures with these reasons, and an operator groups FAILED rows by them, so both agree on what
 * "the same failure" is.
 */
public final class FailureReasons {
    public static final String NACKED = "nacked";
    public static final String REJECTED = "rejected";
    public static final String INVALID_MESSAGE = "invalid_message";
    public static final String ERROR = "error";

    private FailureReasons() {
    }

    /**
     * A publish failure, from the publisher's wording: "nacked by ...", "rejected by ...". (A message returned as
     * unroutable is no failed attempt: it is postponed, never FAILED.)
     */
    public static String ofPublish(String reason) {
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
     * @param retriesSoFar the message's retry count when it failed (a FAILED row keeps it)
     * @param maxRetries   the retries allowed after the first attempt
     */
    public static String ofGivenUpMessage(int retriesSoFar, int maxRetries) {
        return retriesSoFar < maxRetries ? INVALID_MESSAGE : ERROR;
    }
}
