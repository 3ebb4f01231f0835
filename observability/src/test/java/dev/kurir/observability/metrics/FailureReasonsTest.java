package dev.kurir.observability.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureReasonsTest {

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", delimiter = '|', value = {
            "nacked by the broker                                                          | nacked",
            "rejected by the broker: NOT_FOUND - no exchange 'x' in vhost '/' (reply 404)  | rejected",
            "Connection reset                                                              | error",
            "''                                                                            | error",
            "NULL                                                                          | error"})
    void ofPublish_bucketsThePublishersWording(String reason, String expected) {
        assertEquals(expected, FailureReasons.ofPublish(reason));
    }

    @ParameterizedTest
    @CsvSource({"0, 3, invalid_message", "2, 3, invalid_message", "3, 3, error", "0, 0, error"})
    void ofGivenUpMessage_isInvalidMessage_whenRetriesWereLeft(int retriesSoFar, int maxRetries, String expected) {
        assertEquals(expected, FailureReasons.ofGivenUpMessage(retriesSoFar, maxRetries));
    }
}
