package lab.grokking.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A small sweep run from the home page's form in the browser: its page shows the phase diagram in the outcomes'
 * colours (each cell's outcome the API's, its colour the legend's) and the law view's fitted line (the API's slope);
 * seeds of one config compared show their mean ± std band.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SweepIT {
    /** Fig. 1a's classroom run (seconds each) over 2 α × 2 λ: every member groks well before its 30 000 steps. */
    static final String AXES = "alpha=10,100; weightDecay=0.002,0.004";

    static final int MEMBERS = 4;

    static final LocatorAssertions.ContainsTextOptions FINISH =
            new LocatorAssertions.ContainsTextOptions().setTimeout(240_000);

    @BeforeAll
    static void start() throws Exception {
        DashboardIT.startApp("groklab-e2e-sweep");
    }

    @AfterAll
    static void stop() throws Exception {
        DashboardIT.stop();
    }

    @AfterEach
    void noContentSecurityPolicyViolations() {
        new DashboardIT().noContentSecurityPolicyViolations();
    }

    static AppServer app() {
        return DashboardIT.app;
    }

    @Test
    @Order(1)
    void aSweepFromTheFormShowsItsPhaseDiagramInTheLegendsColoursAndTheFittedLaw() throws Exception {
        try (BrowserContext ctx = DashboardIT.context()) {
            Page p = DashboardIT.page(ctx, "/");
            assertThat(p.locator("[data-sweep-preset=diag-law-classroom]")).isVisible();
            assertEquals(List.of(), unnamed(p), "home page: controls without an accessible name");

            // a bad axis is refused inline, naming the axis
            p.locator("#sweep-axes input").fill("alpha=10,ten");
            p.locator("#sweep-submit").click();
            assertThat(p.locator("#sweep-errors [data-field='axes.alpha']")).containsText("10,ten");
            // and so is a grid over the server's limit, with the service's message naming the limit
            p.locator("#sweep-axes input").fill("alpha=10..1000 x20 log; weightDecay=1e-3..4e-3 x20");
            p.locator("#sweep-submit").click();
            assertThat(p.locator("#sweep-errors [data-field='members']"))
                    .containsText("400 members (alpha 20 × weightDecay 20 × 1 seed), above the limit of 200 per sweep");

            p.locator("#sweep-axes input").fill(AXES);
            p.locator("#sweep-seeds input").fill("1");
            p.locator("#sweep-title-field input").fill("e2e sweep");
            p.locator("#sweep-submit").click();
            p.waitForURL(Pattern.compile(".*/sweep/[A-Za-z0-9_-]+$"));
            String id = p.url().replaceAll(".*/sweep/", "");
            assertThat(p.locator("#sweep-title")).hasText("e2e sweep");
            assertThat(p.locator("#sweep-cancel")).isVisible(); // the creator's page
            assertThat(p.locator("#sweep-progress")).containsText(MEMBERS + " / " + MEMBERS + " members ended", FINISH);

            JsonNode report = app().get("/api/sweeps/" + id);
            assertTrue(report.get("done").asBoolean(), report.toString());
            Map<String, String> outcomes = new HashMap<>();
            for (JsonNode m : report.get("members"))
                outcomes.put(m.get("run_id").asText(), outcome(m));

            Locator cells = p.locator("grok-phase a.gp-cell");
            assertThat(cells).hasCount(MEMBERS);
            for (int i = 0; i < MEMBERS; i++) {
                Locator cell = cells.nth(i);
                String run = cell.getAttribute("data-runs"), shown = cell.getAttribute("data-outcome");
                assertEquals(outcomes.get(run), shown, "cell " + i + " shows its run's outcome");
                Locator swatch = p.locator("grok-phase .gp-swatch[data-outcome='" + shown + "']");
                assertEquals(
                        background(swatch), background(cell), "cell " + i + " has the legend's colour of " + shown);
                assertEquals("run/" + run, cell.getAttribute("href"));
            }
            // every outcome has its own colour in the legend
            List<String> legend = p.locator("grok-phase .gp-swatch").all().stream()
                    .map(SweepIT::background)
                    .toList();
            assertEquals(legend.size(), legend.stream().distinct().count(), "legend colours: " + legend);

            // the law view: the fitted line's slope is the API's, and the plot draws the fit
            JsonNode law = report.get("law");
            assertNotNull(law, "the law needs 3 grokked members: " + report);
            assertFalse(law.isNull(), "the law needs 3 grokked members: " + report);
            Locator fit = p.locator("#law-fit");
            assertEquals(law.get("slope").asDouble(), Double.parseDouble(fit.getAttribute("data-slope")), 0);
            assertThat(fit).containsText("the law predicts slope 1");
            assertThat(p.locator("grok-law section[data-key=law] canvas").first())
                    .isVisible();
            assertThat(p.locator("grok-law section[data-key=law] .u-legend")).containsText("fit:");
            assertThat(p.locator("#members tbody tr")).hasCount(MEMBERS);
            String csv = "/api/sweeps/" + id + "/export.csv";
            assertEquals(csv, p.locator("#export-csv").getAttribute("href"));
            assertEquals(MEMBERS + 1, app().body(csv).strip().split("\n").length, "a header and a row per member");
            DashboardIT.shot(p, "sweep");
            assertEquals(List.of(), unnamed(p), "sweep page: controls without an accessible name");

            // hovering a cell draws its run's curves in small; clicking it opens the run
            cells.first().hover();
            assertThat(p.locator("grok-phase .gp-pop canvas")).isVisible();
            assertThat(p.locator("grok-phase .gp-pop canvas"))
                    .hasAttribute("data-drawn", "1"); // its run's metrics read
            String first = cells.first().getAttribute("data-runs");
            cells.first().click();
            p.waitForURL(Pattern.compile(".*/run/" + first + ".*"));
        }
    }

    @Test
    @Order(2)
    void runsDifferingOnlyInTheirSeedShowTheMeanAndStdBand() throws Exception {
        String a = app().post("{\"preset\":\"fig1a-classroom\",\"overrides\":{\"seed\":11}}"),
                b = app().post("{\"preset\":\"fig1a-classroom\",\"overrides\":{\"seed\":12}}");
        app().awaitEnd(a);
        app().awaitEnd(b);
        try (BrowserContext ctx = DashboardIT.context()) {
            Page p = DashboardIT.page(ctx, "/compare?runs=" + a + "," + b);
            assertThat(p.locator("#seed-bands section").first()).isVisible();
            assertThat(p.locator("#seed-bands section").first()).containsText("mean ± 1 std over 2 seeds");
            assertThat(p.locator("#seed-bands canvas").first()).isVisible();
            DashboardIT.shot(p, "seed-bands");
            assertEquals(List.of(), unnamed(p), "compare page: controls without an accessible name");
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> unnamed(Page p) {
        return (List<String>) p.evaluate(DashboardIT.UNNAMED);
    }

    /** A member's outcome as the API writes it. */
    static String outcome(JsonNode member) {
        return member.get("outcome").asText();
    }

    static String background(Locator l) {
        return (String) l.evaluate("e => getComputedStyle(e).backgroundColor");
    }
}
