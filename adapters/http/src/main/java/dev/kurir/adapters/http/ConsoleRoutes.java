package dev.kurir.adapters.http;

import dev.kurir.application.console.port.out.SagaRecords;
import dev.kurir.application.messaging.MessageAdministration;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console on the management port, {@code /console}: server-rendered pages over the operator API's
 * actions ({@link OperatorActions}, so every change writes the same audit line as the API, with actor
 * {@code console@<address>}). Off (404) without {@code KURIR_ADMIN_TOKEN}.
 *
 * <p>Signing in takes the admin token and sets a session cookie: {@code HttpOnly} (no script reads it),
 * {@code SameSite=Strict} (no other site's page sends it), {@code Secure} when the request came over TLS, expiring
 * with the session. Every state-changing request is a POST that must pass three checks against cross-site request
 * forgery: the cookie (which SameSite=Strict keeps to this site's pages), an {@code Origin} header naming this origin
 * (or, without one, a {@code Referer} on it), and the session's CSRF token in the form field {@value #CSRF_FIELD}.
 * SameSite alone is not enough: a sibling subdomain counts as the same site, and older browsers ignore it.
 */
public final class ConsoleRoutes implements RouteGroup {
    static final String COOKIE = "kurir_console";
    static final String CSRF_FIELD = "csrf";
    private static final Logger log = LoggerFactory.getLogger("dev.kurir.admin");

    private final Optional<String> token;
    private final BooleanSupplier started;
    private final ConsoleSessions sessions;
    private final ConsoleSignIns signIns;
    private final ConsolePages pages;

    /**
     * @param records   the order and saga reads of the modules this process runs
     * @param placement what this process runs and where the other modules live, shown on every page
     * @param traceUrl  a link template to a trace viewer with {@code {traceId}} in it, e.g.
     *                  {@code http://localhost:16686/trace/{traceId}}; empty shows no trace links
     */
    public ConsoleRoutes(MessageAdministration admin, SagaRecords records, Optional<String> token,
                         BooleanSupplier started, String placement, Optional<String> traceUrl, Clock clock) {
        this.token = token;
        this.started = started;
        this.sessions = new ConsoleSessions(clock);
        this.signIns = new ConsoleSignIns(clock);
        this.pages = new ConsolePages(admin, new OperatorActions(admin), records, placement, traceUrl, clock);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/console", enabled(ctx -> ctx.redirect(sessionOf(ctx).isPresent() ? "/console/overview"
                : "/console/sign-in", HttpStatus.SEE_OTHER)));
        routes.get("/console/assets/console.css", enabled(ctx -> asset(ctx, "console.css", "text/css")));
        routes.get("/console/assets/console.js", enabled(ctx -> asset(ctx, "console.js", "text/javascript")));
        routes.get("/console/assets/favicon.svg", enabled(ctx -> asset(ctx, "favicon.svg", "image/svg+xml")));
        // Browsers ask for /favicon.ico whatever the page links; a 404 there is an error in every page's console.
        routes.get("/favicon.ico", enabled(ctx -> asset(ctx, "favicon.svg", "image/svg+xml")));
        routes.get("/console/sign-in", enabled(ctx -> html(ctx, 200, ConsoleLayout.signIn(Optional.empty()))));
        routes.post("/console/sign-in", enabled(this::signIn));
        routes.post("/console/sign-out", enabled(ctx -> {
            ConsoleSessions.Session session = checked(ctx);
            sessions.close(session.id());
            ctx.cookie(cookie(ctx, "", 0));
            log.atInfo().addKeyValue("actor", session.actor()).addKeyValue("action", "console-sign-out")
                    .log("operator signed out of the console");
            ctx.redirect("/console/sign-in", HttpStatus.SEE_OTHER);
        }));
        routes.get("/console/overview", page(pages::overview));
        routes.get("/console/orders", page(pages::saga));
        routes.get("/console/failures", page(pages::failures));
        routes.get("/console/dead-letters", page(pages::deadLetters));
        routes.post("/console/failures/retry", action(pages::retry));
        routes.post("/console/failures/retry-group", action(pages::retryGroup));
        routes.post("/console/failures/retry-all", action(pages::retryAll));
        routes.post("/console/failures/discard", action(pages::discard));
        routes.post("/console/dead-letters/replay", action(pages::replay));
        routes.post("/console/dead-letters/discard", action(pages::discardDeadLetter));
    }

    /** A page: signed in, or sent to the sign-in form. */
    private Handler page(ConsolePages.Page page) {
        return enabled(ctx -> {
            Optional<ConsoleSessions.Session> session = sessionOf(ctx);
            if (session.isEmpty()) {
                ctx.redirect("/console/sign-in", HttpStatus.SEE_OTHER);
                return;
            }
            requireStarted(ctx);
            html(ctx, 200, page.render(ctx, session.get()));
        });
    }

    /** A change: signed in and through the CSRF checks; answers with a redirect to the page to show next. */
    private Handler action(ConsolePages.Action action) {
        return enabled(ctx -> {
            ConsoleSessions.Session session = checked(ctx);
            requireStarted(ctx);
            ctx.redirect(action.perform(ctx, session), HttpStatus.SEE_OTHER);
        });
    }

    private Handler enabled(Handler handler) {
        return ctx -> {
            if (token.isEmpty()) {
                throw new Problem(ProblemType.ADMIN_DISABLED,
                        "set KURIR_ADMIN_TOKEN to enable the operator API and console");
            }
            securityHeaders(ctx);
            handler.handle(ctx);
        };
    }

    private void requireStarted(Context ctx) {
        if (!started.getAsBoolean()) {
            ctx.header("Retry-After", "1");
            throw new Problem(ProblemType.STARTING,
                    "the modules are not all registered yet; retry in a few seconds");
        }
    }

    private void signIn(Context ctx) throws InterruptedException {
        checkOrigin(ctx);
        String offered = Optional.ofNullable(ctx.formParam("token")).orElse("");
        if (!ConsoleSessions.sameSecret(offered.strip(), token.get())) {
            int failures = signIns.failed(ctx.ip());
            // Never the offered text: a near miss is most of the token.
            log.atWarn().addKeyValue("remote_addr", ctx.ip()).addKeyValue("failures_in_a_row", failures)
                    .log("console sign-in with a wrong token refused");
            Thread.sleep(ConsoleSignIns.delay(failures).toMillis());
            html(ctx, 401, ConsoleLayout.signIn(Optional.of("That token is not valid.")));
            return;
        }
        signIns.succeeded(ctx.ip());
        ConsoleSessions.Session session = sessions.open("console@" + ctx.ip());
        ctx.cookie(cookie(ctx, session.id(), (int) ConsoleSessions.LIFETIME.toSeconds()));
        log.atInfo().addKeyValue("actor", session.actor()).addKeyValue("action", "console-sign-in")
                .log("operator signed in to the console");
        ctx.redirect("/console/overview", HttpStatus.SEE_OTHER);
    }

    /** The session of a state-changing request, once the cookie, the origin and the CSRF token all check out. */
    private ConsoleSessions.Session checked(Context ctx) {
        ConsoleSessions.Session session = sessionOf(ctx).orElseThrow(() -> new Problem(ProblemType.UNAUTHORIZED,
                "sign in to the console first"));
        checkOrigin(ctx);
        if (!ConsoleSessions.sameSecret(ctx.formParam(CSRF_FIELD), session.csrfToken())) {
            throw new Problem(ProblemType.CSRF, "the form's CSRF token is missing or not this session's");
        }
        return session;
    }

    /** The request must come from a page of this origin: its Origin header, or without one its Referer. */
    private static void checkOrigin(Context ctx) {
        String self = ctx.scheme() + "://" + ctx.host();
        String origin = ctx.header("Origin");
        String referer = ctx.header("Referer");
        boolean sameOrigin = origin != null ? origin.equals(self)
                : referer != null && (referer.equals(self) || referer.startsWith(self + "/"));
        if (!sameOrigin) {
            throw new Problem(ProblemType.CROSS_ORIGIN,
                    "a console form must be sent from the console's own pages (Origin or Referer)");
        }
    }

    private Optional<ConsoleSessions.Session> sessionOf(Context ctx) {
        return sessions.find(ctx.cookie(COOKIE));
    }

    private static Cookie cookie(Context ctx, String value, int maxAgeSeconds) {
        boolean tls = "https".equals(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
        return new Cookie(COOKIE, value, "/console", maxAgeSeconds, tls, true, null, SameSite.STRICT);
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
                + "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }

    private static void html(Context ctx, int status, String body) {
        ctx.status(status).contentType("text/html; charset=utf-8").result(body);
    }

    private static void asset(Context ctx, String name, String type) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream("console/" + name)) {
            if (in == null) {
                throw Problem.notFound("no console asset " + name);
            }
            ctx.contentType(type + "; charset=utf-8").result(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
