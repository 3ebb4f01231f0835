package dev.kurir.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void text_escapesWhatHtmlReadsAsMarkup_inContentAndQuotedAttributes() {
        assertEquals("&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;",
                Html.text("<script>alert(\"x\" & 'y')</script>"));
        assertEquals("", Html.text(null));
        assertEquals("plain 42", Html.text("plain 42"));
    }

    @Test
    void time_isAnIsoTimeElementTheBrowserRewrites() {
        assertEquals("<time datetime=\"2026-12-07T20:00:00Z\">2026-12-07T20:00:00Z</time>",
                Html.time(Instant.parse("2026-12-07T20:00:00Z")));
    }
}
