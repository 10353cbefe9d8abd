package lab.grokking.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A class in a lab, end to end: the teacher builds the lab on the builder page, three students (three browser
 * contexts, each its own client-token cookie) run different α within the lab's range, the teacher's results page shows
 * the three runs live and the law view with three points, the teacher hides, shares and closes, a fourth submission is
 * refused with the server's message, the results page without the key is a 404, and the student page works at phone
 * size (390×844).
 */
class ClassroomIT {
    /** Fig. 1a's classroom run (seconds each): α between 2 and 200 grok well inside its 30 000 steps. */
    static final String PRESET = "Fig. 1a in seconds";

    static final List<String> NAMES = List.of("Ada", "Bo", "Cy");
    static final List<String> ALPHAS = List.of("10", "40", "120");
    static final String INSTRUCTIONS = "Pick an α between 2 and 200: when does the test accuracy jump?";

    static final LocatorAssertions.HasAttributeOptions FINISH =
            new LocatorAssertions.HasAttributeOptions().setTimeout(240_000);

    @BeforeAll
    static void start() throws Exception {
        DashboardIT.startApp("groklab-e2e-classroom");
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
    void aClassRunsALabAndTheTeacherSeesItLiveAsOneSweep() throws Exception {
        List<BrowserContext> open = new ArrayList<>();
        try {
            // the teacher builds the lab: α editable in [2, 200], a lifecycle, a quota of one run at once
            BrowserContext teacher = DashboardIT.context();
            open.add(teacher);
            Page b = DashboardIT.page(teacher, "/classroom");
            DashboardIT.choose(b, "#lab-preset", PRESET);
            DashboardIT.choose(b, "#mode-alpha", "Students may change");
            b.locator("#min-alpha input").fill("2");
            b.locator("#max-alpha input").fill("200");
            b.locator("#lab-instructions textarea").fill(INSTRUCTIONS);
            b.locator("#lab-hours input").fill("2");
            b.locator("#lab-max-runs input").fill("10");
            b.locator("#lab-quota-running input").fill("1");
            b.locator("#lab-quota-total input").fill("2");
            b.locator("#create-lab").click();
            assertThat(b.locator("#lab-link input")).hasValue(Pattern.compile(".*/lab/[A-Za-z0-9_-]{22}$"));
            assertThat(b.locator("#results-link input"))
                    .hasValue(Pattern.compile(".*/lab/[A-Za-z0-9_-]{22}/results\\?key=[A-Za-z0-9_-]{22}$"));
            assertThat(b.locator("#results-secret")).containsText("secret");
            assertThat(b.locator("#results-secret")).containsText("shown only this once");
            String link = b.locator("#lab-link input").inputValue(),
                    results = b.locator("#results-link input").inputValue();
            String labId = link.replaceAll(".*/lab/", ""), key = results.replaceAll(".*key=", "");
            assertNotEquals(labId, key, "the teacher key is not the student link's id");
            DashboardIT.shot(b, "classroom-builder-created");

            // the teacher's page is open before any student runs: what follows arrives live
            Page t = teacher.newPage();
            t.setDefaultTimeout(30_000);
            t.navigate(results);
            assertThat(t.locator("#results-title")).containsText(PRESET);
            assertThat(t.locator("#lab-state")).containsText("0 of 10 runs in this lab used");
            assertThat(t.locator("#class-count")).hasAttribute("data-runs", "0");

            // three students, each its own browser (and client-token cookie), each a different α
            List<BrowserContext> students = new ArrayList<>();
            Set<String> tokens = new HashSet<>();
            for (int i = 0; i < NAMES.size(); i++) {
                BrowserContext s = DashboardIT.context();
                open.add(s);
                students.add(s);
                Page p = s.newPage();
                p.setDefaultTimeout(30_000);
                p.navigate(link);
                assertThat(p.locator("#instructions")).hasText(INSTRUCTIONS);
                assertThat(p.locator("#lab-quota")).containsText("1 run at once, 2 in total");
                p.locator("#student-name input").fill(NAMES.get(i));
                p.locator("#field-alpha input").fill(ALPHAS.get(i));
                p.locator("#run").click();
                p.waitForURL(Pattern.compile(".*/run/[A-Za-z0-9_-]{22}\\?.*lab=" + labId + ".*"));
                // the run opens in the lab's context: title, instructions, the way back
                assertThat(p.locator("#lab-context")).containsText(PRESET);
                assertThat(p.locator("#lab-context-instructions")).hasText(INSTRUCTIONS);
                assertEquals("lab/" + labId, p.locator("#back-to-lab").getAttribute("href"));
                tokens.add(DashboardIT.token(s));
            }
            assertEquals(NAMES.size(), tokens.size(), "each student its own client token: " + tokens);
            tokens.add(DashboardIT.token(teacher));
            assertEquals(NAMES.size() + 1, tokens.size(), "the teacher's token is a fourth");

            // the teacher's page shows the three runs live, then the law view with three points
            assertThat(t.locator("#class-count")).hasAttribute("data-runs", "3");
            Locator rows = t.locator("#class-runs tbody tr");
            assertThat(rows).hasCount(3);
            for (String name : NAMES) assertThat(t.locator("#class-runs")).containsText(name);
            assertThat(t.locator("#class-count")).containsText("by 3 students");
            assertThat(t.locator("#class-law-fit")).hasAttribute("data-shown", "3", FINISH);
            assertThat(t.locator("#class-phase a.gp-cell")).hasCount(3);
            assertThat(t.locator("#class-law section[data-key=law] canvas").first())
                    .isVisible();
            assertThat(t.locator("#class-curves canvas").first()).isVisible();
            for (String a : ALPHAS) assertThat(t.locator("#class-runs")).containsText("α = " + a);
            JsonNode api = teacherGet("/api/labs/" + labId + "/results", key);
            assertEquals(3, api.get("runs").size(), api.toString());
            assertEquals(
                    3,
                    api.get("sweep").get("members").size(),
                    "the class as a sweep of three members: " + api.get("sweep"));
            DashboardIT.shot(t, "classroom-results");
            assertEquals(List.of(), SweepIT.unnamed(t), "results page: controls without an accessible name");

            // hiding a run takes its point out of the class's sweep; showing it again brings it back
            t.locator("#class-runs tbody tr .hide-run").first().click();
            assertThat(t.locator("#class-runs tbody tr[data-hidden]")).hasCount(1);
            assertThat(t.locator("#class-law-fit")).hasAttribute("data-shown", "2");
            t.locator("#class-runs tbody tr[data-hidden] .hide-run").click();
            assertThat(t.locator("#class-runs tbody tr[data-hidden]")).hasCount(0);
            assertThat(t.locator("#class-law-fit")).hasAttribute("data-shown", "3");

            // CSV: a header and a row per submission
            String csv = t.locator("#export-csv").getAttribute("href");
            String table = app().body(csv);
            assertEquals(4, table.strip().split("\n").length, csv);
            for (String name : NAMES) assertTrue(table.contains(name), table);

            // the teacher shares with names: a student's page, at phone size, shows the class view
            DashboardIT.choose(t, "#share", "Shared with students, with names");
            Page phone = students.get(0).newPage();
            phone.setDefaultTimeout(30_000);
            phone.setViewportSize(390, 844);
            phone.navigate(link);
            assertThat(phone.locator("#my-runs li")).hasCount(1);
            assertThat(phone.locator("#my-runs li")).containsText("α = " + ALPHAS.get(0));
            assertThat(phone.locator("#class-view #class-runs tbody tr")).hasCount(3);
            assertThat(phone.locator("#class-view #class-runs")).containsText(NAMES.get(2));
            assertThat(phone.locator("#class-view #class-curves canvas").first())
                    .isVisible();
            assertThat(phone.locator("#class-view #class-law section[data-key=law] canvas")
                            .first())
                    .isVisible();
            fitsThePhone(phone);
            assertEquals(List.of(), SweepIT.unnamed(phone), "student page: controls without an accessible name");
            DashboardIT.shot(phone, "classroom-student-phone");
            // the student's run, opened from the lab on the phone: the lab's context on top, no sideways scroll
            phone.locator("#my-runs li a").first().click();
            phone.waitForURL(Pattern.compile(".*/run/.*lab=" + labId + ".*"));
            assertThat(phone.locator("#lab-context-instructions")).hasText(INSTRUCTIONS);
            assertThat(phone.locator("#charts canvas").first()).isVisible();
            Number runScroll = (Number) phone.evaluate("() => document.scrollingElement.scrollWidth");
            assertTrue(
                    runScroll.intValue() <= 390,
                    "run page scrolls sideways: " + runScroll + "; " + phone.evaluate(WIDE));
            DashboardIT.shot(phone, "classroom-run-phone");

            // the teacher closes the lab: a fourth student's submission is refused with the server's message
            t.locator("#close-lab").click();
            assertThat(t.locator("#lab-state")).containsText("closed");
            assertThat(t.locator("#close-lab")).isDisabled();
            BrowserContext fourth = DashboardIT.context();
            open.add(fourth);
            Page f = DashboardIT.page(fourth, link.replaceAll("^https?://[^/]+", ""));
            assertThat(f.locator("#lab-state")).containsText("closed by the teacher");
            f.locator("#student-name input").fill("Di");
            f.locator("#field-alpha input").fill("20");
            f.locator("#run").click();
            assertThat(f.locator("#form-problems")).containsText("this lab is closed: it takes no new runs");
            assertTrue(f.url().endsWith("/lab/" + labId), f.url());
            HttpResponse<String> refused = app().postJson(
                            "/api/labs/" + labId + "/runs", "{\"name\": \"Di\", \"overrides\": {\"alpha\": 20}}");
            assertEquals(409, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("this lab is closed"), refused.body());
            assertEquals(
                    3,
                    teacherGet("/api/labs/" + labId + "/results", key)
                            .get("runs")
                            .size());

            // without the key (or with another) the results page is the router's page of an unknown route (Vaadin
            // answers every page with 200 and renders the route in the browser: the page, not the status, is the 404)
            Page stranger = DashboardIT.page(fourth, "/no-such-page");
            String unknownRoute = rendered(stranger, "no-such-page");
            for (String path : List.of(
                    "/lab/" + labId + "/results",
                    "/lab/" + labId + "/results?key=" + key.substring(1) + "A",
                    "/lab/" + labId + "/results?key=" + tokens.iterator().next())) {
                stranger.navigate(app().url(path));
                String shown = rendered(stranger, "lab/" + labId + "/results");
                assertEquals(unknownRoute, shown, path);
                assertFalse(stranger.content().contains(INSTRUCTIONS), path + " shows nothing of the lab");
                assertEquals(0, stranger.locator("#results-title").count(), path);
            }
            assertEquals(404, status("/api/labs/" + labId + "/results", null));
            assertEquals(404, status("/api/labs/" + labId + "/results", "A" + key.substring(1)));
        } finally {
            for (BrowserContext c : open) c.close();
        }
    }

    /** No horizontal scroll; every input of the form inside the screen, wide enough to use, and it takes typing. */
    static void fitsThePhone(Page p) {
        Number scroll = (Number) p.evaluate("() => document.scrollingElement.scrollWidth"),
                width = (Number) p.evaluate("() => window.innerWidth");
        assertEquals(390, width.intValue());
        assertTrue(
                scroll.intValue() <= width.intValue(),
                "horizontal scroll: " + scroll + " > " + width + "; wider than the screen: " + p.evaluate(WIDE));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> inputs = (List<Map<String, Object>>) p.evaluate("""
                () => [...document.querySelectorAll('#lab-form input, #run')].filter(e => e.offsetParent !== null)
                  .map(e => { const r = e.getBoundingClientRect(); return {id: e.closest('[id]').id, left: r.left, right: r.right, width: r.width}; })
                """);
        assertFalse(inputs.isEmpty(), "the form has inputs");
        for (Map<String, Object> in : inputs) {
            double left = ((Number) in.get("left")).doubleValue(),
                    right = ((Number) in.get("right")).doubleValue(),
                    w = ((Number) in.get("width")).doubleValue();
            assertTrue(left >= 0 && right <= width.doubleValue(), "off the screen: " + in);
            assertTrue(w >= 60, "too narrow to use: " + in);
        }
        p.locator("#student-name input").fill("Ada on a phone");
        assertThat(p.locator("#student-name input")).hasValue("Ada on a phone");
        p.locator("#field-alpha input").fill("12");
        assertThat(p.locator("#field-alpha input")).hasValue("12");
        // the charts are drawn at a readable width inside the screen
        for (String chart : List.of("#class-view #class-curves canvas", "#class-view #class-law canvas")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> box = (Map<String, Object>)
                    p.locator(chart)
                            .first()
                            .evaluate(
                                    "e => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; }");
            double w = ((Number) box.get("width")).doubleValue();
            assertTrue(w >= 250, chart + " too small to read: " + box);
            assertTrue(
                    ((Number) box.get("right")).doubleValue() <= width.doubleValue() + 0.5,
                    chart + " off the screen: " + box);
        }
    }

    /** The outermost elements reaching past the screen's right edge (what makes a phone scroll sideways). */
    static final String WIDE = """
            () => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !(e.parentElement.getBoundingClientRect().right > innerWidth + 1)
                && getComputedStyle(e).position !== 'fixed' && !e.closest('vaadin-grid, .table-box'))
              .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.') + ' ' + Math.round(e.getBoundingClientRect().width)
                + ' in ' + (e.closest('grok-law, grok-charts, grok-bands') || {tagName: '-'}).tagName.toLowerCase()
                + ' ' + (e.closest('grok-law, grok-charts, grok-bands') || {}).clientWidth
                + ' ' + getComputedStyle(e.closest('grok-law, grok-charts, grok-bands') || document.body).display)
            """;

    /** The page's text once the router has rendered it, with {@code path} written as PATH. */
    static String rendered(Page p, String path) {
        p.waitForFunction("() => document.body.innerText.trim().length > 0");
        return p.locator("body").innerText().replace(path, "PATH").strip();
    }

    static JsonNode teacherGet(String path, String key) throws Exception {
        HttpResponse<String> r = AppServer.HTTP.send(
                HttpRequest.newBuilder(URI.create(app().url(path)))
                        .header("X-Teacher-Key", key)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return AppServer.JSON.readTree(r.body());
    }

    static int status(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app().url(path)));
        if (key != null) b.header("X-Teacher-Key", key);
        return AppServer.HTTP
                .send(b.build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }
}
