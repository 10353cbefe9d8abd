package lab.grokking.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The dashboard as a new user meets it: the app jar started as a separate process, Debian's Chromium driven by
 * Playwright. Screenshots of every view land in target/e2e-screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
    static final LocatorAssertions.HasTextOptions FINISH = new LocatorAssertions.HasTextOptions().setTimeout(240_000);
    static Path dir, shots;
    static AppServer app;
    static Playwright playwright;
    static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        startApp("groklab-e2e");
    }

    /** The packaged app on a fresh data directory (a temp directory named by {@code prefix}) and the browser. */
    static void startApp(String prefix) throws Exception {
        dir = Files.createTempDirectory(prefix);
        app = AppServer.start(dir.resolve("data"), dir.resolve("server.log"));
        openBrowser();
    }

    /** Debian's chromium through Playwright (which downloads nothing here); screenshots go to {@link #shots}. */
    static void openBrowser() throws Exception {
        shots = Paths.get(System.getProperty("groklab.screenshots", "target/e2e-screenshots"));
        Files.createDirectories(shots);
        playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(Paths.get(System.getProperty("groklab.chromium", "/usr/bin/chromium")))
                        .setHeadless(true)
                        .setArgs(List.of(
                                "--no-sandbox",
                                "--headless",
                                "--disable-gpu",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--no-first-run",
                                "--disable-quic")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
        if (app != null) app.stop();
    }

    static Page page(BrowserContext ctx, String path) {
        Page p = ctx.newPage();
        p.setDefaultTimeout(30_000);
        p.navigate(app.url(path));
        return p;
    }

    /** Content-Security-Policy violations any page reported, as Chromium logs them and as the page's event says. */
    static final List<String> CSP_VIOLATIONS = new CopyOnWriteArrayList<>();

    static BrowserContext context() {
        BrowserContext ctx = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 1000));
        ctx.addInitScript("document.addEventListener('securitypolicyviolation', e => console.error("
                + "'CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI))");
        ctx.onConsoleMessage(m -> {
            if (m.type().equals("error")
                    && (m.text().contains("CSP violation") || m.text().contains("Content Security Policy")))
                CSP_VIOLATIONS.add(m.text());
        });
        return ctx;
    }

    /** Every view renders, draws its charts and runs its scripts under the page's CSP without a violation. */
    @AfterEach
    void noContentSecurityPolicyViolations() {
        List<String> seen = List.copyOf(CSP_VIOLATIONS);
        CSP_VIOLATIONS.clear();
        assertEquals(List.of(), seen, "the browser reported Content-Security-Policy violations");
    }

    static void shot(Page p, String name) {
        p.screenshot(new Page.ScreenshotOptions()
                .setPath(shots.resolve(name + ".png"))
                .setFullPage(true));
    }

    static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in: " + text);
        return Double.parseDouble(m.group(1));
    }

    /** The browser's client token: the groklab_client cookie the server set on its first request. */
    static String token(BrowserContext ctx) {
        return ctx.cookies().stream()
                .filter(c -> c.name.equals("groklab_client"))
                .map(c -> c.value)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no groklab_client cookie"));
    }

    /** id of the run the page shows, from its URL. */
    static String runId(Page p) {
        return p.url().replaceAll(".*/run/([A-Za-z0-9_-]{22}).*", "$1");
    }

    @Test
    @Order(1)
    void theHomePageShowsAPresetCardPerFigureWithItsExpectedTime() {
        try (BrowserContext ctx = context()) {
            Page p = page(ctx, "/");
            assertThat(p.locator("h1")).hasText("Grokking Lab");
            for (String id : List.of(
                    "fig1a-classroom",
                    "fig1b-classroom",
                    "fig2a-classroom",
                    "fig3-classroom",
                    "fig1a-paper",
                    "fig3-paper"))
                assertThat(p.locator(".card[data-preset='" + id + "'] .expected"))
                        .containsText(Pattern.compile("on this machine|opens at once|Cannot run"));
            assertThat(p.getByRole(
                            AriaRole.BUTTON,
                            new Page.GetByRoleOptions()
                                    .setName("Run Fig. 1a in seconds: grokking on sparse data (classroom)")))
                    .isVisible();
            shot(p, "home");
        }
    }

    /** Runs a task's classroom preset from its card; the charts gain points while it runs; the final metric shows the phenomenon. */
    @ParameterizedTest(name = "{0}")
    @Order(2)
    @CsvSource(
            delimiter = '|',
            value = {
                "fig1a-classroom | test accuracy ([0-9.]+) % | 95 | above",
                "fig3-classroom  | test MSE ([0-9.e+-]+)     | 1e-3 | below",
                "fig2a-classroom | test accuracy ([0-9.]+) % | 95 | above"
            })
    void aClassroomPresetRunsLiveAndEndsShowingThePhenomenon(String preset, String metric, double bound, String side) {
        try (BrowserContext ctx = context()) {
            Page p = page(ctx, "/");
            p.locator(".card[data-preset='" + preset + "'] vaadin-button").click();
            p.waitForURL(Pattern.compile(".*/run/[A-Za-z0-9_-]{22}.*"));
            Locator charts = p.locator("grok-charts");
            p.waitForFunction("() => document.querySelector('grok-charts').pointCount > 0");
            int early = ((Number) charts.evaluate("c => c.pointCount")).intValue();
            String status = p.locator("#status").textContent();
            if (status.equals("RUNNING") || status.equals("QUEUED")) {
                p.waitForFunction("n => document.querySelector('grok-charts').pointCount > n", early);
                shot(p, "run-live-" + preset);
            }
            assertThat(p.locator("#status")).hasText("FINISHED", FINISH);
            assertTrue(((Number) charts.evaluate("c => c.pointCount")).intValue() > early, "the charts gained points");
            String fin = p.locator("#final-metric").textContent();
            double v = number(fin, metric);
            if (side.equals("above")) assertTrue(v >= bound, fin);
            else assertTrue(v <= bound, fin);
            shot(p, "run-" + preset);
        }
    }

    @Test
    @Order(3)
    void aSharedLinkOpensTheSameRunAndViewStateWithoutComputingAgain() throws Exception {
        String id;
        String link;
        try (BrowserContext ctx = context()) {
            Page p = page(ctx, "/");
            p.locator(".card[data-preset='fig1a-classroom'] vaadin-button")
                    .click(); // computed by the test above: opens at once
            p.waitForURL(Pattern.compile(".*/run/[A-Za-z0-9_-]{22}.*"));
            id = runId(p);
            assertThat(p.locator("#status")).hasText("FINISHED", FINISH);
            p.getByLabel("Continuous time t = ηk").check();
            p.getByLabel("Log x").uncheck();
            p.locator("#panels").getByText("Logistic loss").click(); // hide a panel: part of the shared state
            assertThat(p.getByRole(
                            AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Download Logistic loss as PNG")))
                    .hasCount(0);
            Locator scrubber = p.getByRole(AriaRole.SLIDER, new Page.GetByRoleOptions().setName("Step scrubber"));
            scrubber.focus();
            for (int i = 0; i < 40; i++) p.keyboard().press("ArrowLeft"); // keyboard moves the scrubber
            assertThat(p.locator("#share-url input")).hasValue(Pattern.compile(".*[?&]step=\\d+.*"));
            assertThat(p.locator("#predictor-caption")).containsText("Step ");
            link = p.locator("#share-url input").inputValue();
            assertTrue(
                    link.contains("x=time")
                            && link.contains("xlog=0")
                            && link.contains("step=")
                            && link.contains("hide=loss"),
                    link);
            shot(p, "run-scrubbed");
        }
        JsonNode before = app.get("/api/runs/" + id);
        try (BrowserContext fresh = context()) {
            Page p = fresh.newPage();
            p.navigate(link);
            assertThat(p.locator("#status")).hasText("FINISHED");
            assertThat(p.locator("#provenance")).containsText(id);
            assertTrue(p.getByLabel("Continuous time t = ηk").isChecked());
            assertFalse(p.getByLabel("Log x").isChecked());
            assertThat(p.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Download Accuracy as PNG")))
                    .isVisible();
            assertEquals(
                    0,
                    p.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Download Logistic loss as PNG"))
                            .count(),
                    "the hidden panel stays hidden");
            String step = link.replaceAll(".*step=(\\d+).*", "$1");
            assertThat(p.locator("#predictor-caption")).containsText("Step ");
            assertTrue(
                    Long.parseLong(p.locator("#predictor-caption").textContent().replaceAll("^Step (\\d+).*", "$1"))
                            <= Long.parseLong(step));
            p.waitForFunction("() => document.querySelector('grok-charts').pointCount > 0");
            shot(p, "shared-link");
            assertEquals(0, app.runsOf(token(fresh)), "no new run");
        }
        assertEquals(
                before.get("summary").toString(),
                app.get("/api/runs/" + id).get("summary").toString(),
                "not recomputed");
        assertEquals(0, app.get("/api/health").get("running").asInt());
    }

    @Test
    @Order(4)
    void aClassroomLinkHidesLockedFieldsAndTheServerRefusesTamperedRequests() throws Exception {
        String link;
        try (BrowserContext ctx = context()) {
            Page p = page(ctx, "/classroom");
            assertThat(p.locator("#mode-steps")).isVisible();
            choose(p, "#mode-steps", "Students may change");
            p.locator("#min-steps input").fill("1000");
            p.locator("#max-steps input").fill("40000");
            choose(p, "#mode-lr", "Hidden");
            p.locator("#lab-instructions textarea")
                    .fill("Change the number of steps: when does the test accuracy jump?");
            p.locator("#create-lab").click();
            assertThat(p.locator("#lab-link input")).hasValue(Pattern.compile(".*/lab/[A-Za-z0-9_-]{22}$"));
            link = p.locator("#lab-link input").inputValue();
            shot(p, "classroom-builder");
        }
        try (BrowserContext student = context()) {
            Page p = student.newPage();
            p.navigate(link);
            assertThat(p.locator("#instructions"))
                    .hasText("Change the number of steps: when does the test accuracy jump?");
            assertEquals(0, p.locator("#field-lr").count(), "hidden field absent");
            assertTrue(p.locator("#field-alpha").isVisible());
            assertNotNull(p.locator("#field-alpha").getAttribute("readonly"), "locked field read-only");
            assertNull(p.locator("#field-steps").getAttribute("readonly"));
            p.locator("#field-steps input").fill("100000");
            p.locator("#run").click();
            assertThat(p.locator("#field-steps")).hasAttribute("invalid", "");
            assertThat(p.locator("#field-steps"))
                    .hasJSProperty("errorMessage", "this lab allows [1000, 40000], got 100000");
            shot(p, "classroom-student");
        }
        String labId = link.replaceAll(".*/lab/", "");
        HttpResponse<String> tampered =
                app.postJson("/api/labs/" + labId + "/runs", "{\"overrides\": {\"lr\": 5, \"steps\": 2000}}");
        assertEquals(422, tampered.statusCode(), tampered.body());
        assertTrue(
                tampered.body().contains("\"field\":\"overrides.lr\"")
                        && tampered.body().contains("locked by this lab"),
                tampered.body());
        HttpResponse<String> range =
                app.postJson("/api/labs/" + labId + "/runs", "{\"overrides\": {\"steps\": 999999}}");
        assertEquals(422, range.statusCode(), range.body());
    }

    static void choose(Page p, String select, String item) {
        p.locator(select).click();
        // Flow keeps a select's items in its own light DOM: scope to it
        p.locator(select + " vaadin-select-item")
                .filter(new Locator.FilterOptions().setHasText(item))
                .first()
                .click();
    }

    @Test
    @Order(5)
    void invalidValuesShowTheServersMessageAtTheField() throws Exception {
        try (BrowserContext ctx = context()) {
            Page p = page(ctx, "/configure?preset=fig1a-classroom");
            assertThat(p.locator("#estimate")).containsText(Pattern.compile("on this machine|opens at once"));
            p.locator("#field-n input").fill("-5");
            p.locator("#field-n input").press("Tab");
            assertThat(p.locator("#field-n")).hasAttribute("invalid", "");
            assertThat(p.locator("#field-n")).hasJSProperty("errorMessage", "must be in [1, 2048], got -5");
            p.locator("#field-n input").fill("100");
            p.locator("#field-steps input").fill("1e12");
            p.locator("#field-steps input").press("Tab");
            assertThat(p.locator("#field-steps")).hasAttribute("invalid", "");
            assertThat(p.locator("#field-steps"))
                    .hasJSProperty("errorMessage", "must be in [1, 1000000000], got 1000000000000");
            shot(p, "configure-errors");
            int total = app.runsOf(token(ctx));
            p.locator("#run").click();
            assertThat(p.locator("#field-steps")).hasAttribute("invalid", "");
            assertEquals(total, app.runsOf(token(ctx)), "nothing started");
        }
    }

    @Test
    @Order(6)
    void theCompareViewOverlaysASeriesLabelledByTheParameterThatDiffers() throws Exception {
        try (BrowserContext ctx = context()) {
            Page p = page(ctx, "/compare?series=fig1&scale=classroom");
            // a link (any site can make a browser open one) only offers the series
            assertThat(p.locator("#series-offer")).containsText("runs 2 experiments");
            int before = app.runsOf(token(ctx));
            p.waitForTimeout(1000);
            assertEquals(before, app.runsOf(token(ctx)), "opening the link started nothing");
            p.locator("#run-series").click();
            p.waitForURL(Pattern.compile(".*/compare\\?runs=.*"));
            assertTrue(app.runsOf(token(ctx)) > before, "the click started the series (Fig. 1b is new)");
            int rows = 0;
            for (String id : URLDecoder.decode(p.url().replaceAll(".*runs=([^&]*).*", "$1"), StandardCharsets.UTF_8)
                    .split(",")) {
                assertEquals("FINISHED", app.awaitEnd(id).get("status").asText());
                rows += app.get("/api/runs/" + id + "/metrics").get("rows").size();
            }
            p.reload();
            p.waitForFunction(
                    "n => document.querySelector('grok-charts') && document.querySelector('grok-charts').pointCount === n",
                    rows);
            assertThat(p.getByText(Pattern.compile("Open .*data = sparse"))).isVisible();
            assertThat(p.getByText(Pattern.compile("Open .*data = gaussian"))).isVisible();
            // every chart draws both runs (regression: a loss of 1e-310 made uPlot's log axis throw and blanked the
            // charts after it)
            p.waitForFunction("() => document.querySelector('grok-charts').drawn.every(n => n > 0)");
            shot(p, "compare");
        }
    }

    /** Controls without an accessible name (aria-label, label, aria-labelledby or text) among the visible ones. */
    static final String UNNAMED = """
            () => {
              const sel = 'button, a[href], input, textarea, select, vaadin-button, vaadin-text-field, vaadin-text-area, vaadin-select,'
                + ' vaadin-checkbox, vaadin-radio-group, vaadin-radio-button, vaadin-grid, vaadin-details, [role=img], [role=slider]';
              const named = el => el.getAttribute('aria-label') || el.label || el.getAttribute('label') || el.getAttribute('title')
                || (el.getAttribute('aria-labelledby') || '').split(' ').map(id => document.getElementById(id)).some(l => l && l.textContent.trim())
                || (el.labels && [...el.labels].some(l => l.textContent.trim()))
                || (el.closest('vaadin-text-field, vaadin-text-area, vaadin-checkbox, vaadin-radio-button, vaadin-select') || {}).label
                || (el.textContent || '').trim();
              return [...document.querySelectorAll(sel)].filter(el => el.getClientRects().length > 0 && !named(el))
                .map(el => el.outerHTML.slice(0, 160));
            }""";

    @Test
    @Order(7)
    void everyControlHasAnAccessibleNameAndTheKeyboardRunsAPresetAndExportsAChart() throws Exception {
        try (BrowserContext ctx = context()) {
            Page p = page(ctx, "/");
            Locator run = p.locator(".card[data-preset='fig3-classroom'] vaadin-button");
            run.focus();
            p.keyboard().press("Enter"); // computed by the tests above: opens at once
            p.waitForURL(Pattern.compile(".*/run/[A-Za-z0-9_-]{22}.*"));
            assertThat(p.locator("#status")).hasText("FINISHED", FINISH);
            String runPath = p.url().replaceAll("^https?://[^/]+", "");
            var download = p.waitForDownload(() -> p.getByRole(
                            AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Download Mean squared error as PNG"))
                    .click());
            byte[] png = Files.readAllBytes(download.path());
            assertTrue(
                    png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G',
                    "a PNG of the chart: " + download.suggestedFilename());
            int total = app.runsOf(token(ctx));
            String labPath = "/lab/"
                    + app.postJson("/api/labs", "{\"preset\": \"fig3-classroom\"}")
                            .body()
                            .replaceAll("(?s).*\"id\":\"([A-Za-z0-9_-]{22})\".*", "$1");
            for (String path : List.of(
                    "/",
                    "/configure?preset=fig2a-classroom",
                    runPath,
                    "/run/" + runId(p) + "?x=time&xlog=0&step=100&hide=loss",
                    "/classroom",
                    labPath,
                    "/compare",
                    "/compare?series=fig2b&scale=classroom")) {
                Page v = page(ctx, path);
                v.waitForLoadState();
                v.waitForTimeout(1500); // Vaadin renders after the bootstrap
                @SuppressWarnings("unchecked")
                List<String> unnamed = (List<String>) v.evaluate(UNNAMED);
                assertEquals(List.of(), unnamed, path + ": controls without an accessible name");
                v.close();
            }
            assertEquals(total, app.runsOf(token(ctx)), "opening a view starts no run");
        }
    }

    @Test
    @Order(8)
    void aConfiguredRunStartsFromTheFormShowsItsEtaAndCanBeCancelled() {
        try (BrowserContext ctx = context()) {
            Page p = page(ctx, "/configure?preset=fig1a-classroom");
            p.locator("#field-steps input").fill("3000000");
            p.locator("#field-seed input").fill("5");
            p.locator("#field-seed input").press("Tab");
            assertThat(p.locator("#estimate")).containsText("on this machine");
            p.locator("#run").click();
            p.waitForURL(Pattern.compile(".*/run/[A-Za-z0-9_-]{22}.*"));
            assertThat(p.locator("#eta")).containsText(Pattern.compile("step \\d+ / 3000000"));
            p.waitForFunction("() => document.querySelector('grok-charts').pointCount > 0");
            p.locator("#cancel").click();
            assertThat(p.locator("#status")).hasText("CANCELLED", FINISH);
            shot(p, "run-cancelled");
        }
    }

    /**
     * The page's headers: a CSP whose nonce lets Vaadin's own inline scripts run and nothing injected, no framing, no
     * sniffing, no Referer to other sites; the session cookie out of scripts' reach and never sent by another site's
     * request, which still opens a shared link (a fresh session); Vaadin's not-found page shows no Java internals.
     */
    @Test
    @Order(9)
    void theDashboardIsServedWithItsSecurityHeadersAndAStrictSessionCookie() throws Exception {
        try (BrowserContext ctx = context()) {
            Page p = ctx.newPage();
            p.setDefaultTimeout(30_000);
            com.microsoft.playwright.Response r = p.navigate(app.url("/"));
            Map<String, String> h = r.allHeaders();
            String csp = h.getOrDefault("content-security-policy", "");
            assertTrue(
                    csp.matches(".*script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'unsafe-eval';.*")
                            && csp.contains("frame-ancestors 'none'")
                            && csp.contains("object-src 'none'")
                            && !csp.contains("script-src 'self' 'unsafe-inline'"),
                    csp);
            assertEquals("DENY", h.get("x-frame-options"));
            assertEquals("nosniff", h.get("x-content-type-options"));
            assertEquals("same-origin", h.get("referrer-policy"));
            assertNull(h.get("strict-transport-security"), "no HSTS over plain HTTP");
            assertThat(p.locator("h1")).hasText("Grokking Lab");

            var session = ctx.cookies().stream()
                    .filter(c -> c.name.equals("JSESSIONID"))
                    .findFirst()
                    .orElseThrow();
            assertTrue(session.httpOnly, "HttpOnly");
            assertEquals(com.microsoft.playwright.options.SameSiteAttribute.STRICT, session.sameSite);
            assertEquals(null, p.evaluate("() => document.cookie.match(/JSESSIONID/)"), "scripts cannot read it");

            // a script injected into the page (what an XSS would do) has no nonce: blocked, and reported
            Object ran = p.evaluate(
                    "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
                            + " document.head.appendChild(s); return window.injected === 1; }");
            assertEquals(false, ran, "an injected inline script does not run");
            // both channels report it: Chromium's console message and the page's securitypolicyviolation event
            p.waitForCondition(() -> CSP_VIOLATIONS.stream().anyMatch(m -> m.contains("Content Security Policy"))
                    && CSP_VIOLATIONS.stream().anyMatch(m -> m.startsWith("CSP violation: script-src")));
            CSP_VIOLATIONS.clear();

            // Vaadin's not-found view in production mode: the path, nothing of the server's internals
            Page missing = page(ctx, "/no-such-view/x");
            assertThat(missing.locator("body")).containsText("Could not navigate");
            String text = missing.locator("body").innerText();
            assertFalse(text.matches("(?s).*(Exception|\\bat [a-z]+\\.|com\\.vaadin|lab\\.grokking).*"), text);
        }

        // a shared run link followed from another site: the Strict cookie stays home, the page still works
        try (BrowserContext ctx = context()) {
            Page home = page(ctx, "/");
            home.locator(".card[data-preset='fig3-classroom'] vaadin-button").click(); // computed: opens at once
            home.waitForURL(Pattern.compile(".*/run/[A-Za-z0-9_-]{22}.*"));
            String id = runId(home);
            Page p = ctx.newPage();
            p.setDefaultTimeout(30_000);
            p.setContent("<a id='go' href='" + app.url("/run/" + id) + "'>a run</a>");
            List<com.microsoft.playwright.Request> navigations = new CopyOnWriteArrayList<>();
            p.onRequest(q -> {
                if (q.isNavigationRequest()) navigations.add(q);
            });
            p.locator("#go").click();
            p.waitForURL(Pattern.compile(".*/run/" + id + ".*"));
            assertThat(p.locator("#status")).hasText("FINISHED", FINISH);
            p.waitForFunction("() => document.querySelector('grok-charts').pointCount > 0");
            assertFalse(navigations.isEmpty());
            assertFalse(
                    navigations
                            .getFirst()
                            .allHeaders()
                            .getOrDefault("cookie", "")
                            .contains("JSESSIONID"),
                    "the cross-site navigation carried no session cookie");
        }
    }
}
