package lab.grokking.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A degraded server says so above every view. Degraded here by a free-space threshold no disk meets
 * ({@code store.minFreeBytes}), the same check that warns an operator before the disk is full.
 */
class HealthBannerIT {
    static AppServer app;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("groklab-health");
        app = AppServer.start(dir.resolve("data"), dir.resolve("server.log"), "-Dgroklab.store.minFreeBytes=1e18");
        DashboardIT.app = app;
        DashboardIT.openBrowser();
    }

    @AfterAll
    static void stop() throws Exception {
        DashboardIT.stop();
    }

    @Test
    void aDegradedServerShowsItsBannerOnEveryView() throws Exception {
        assertEquals("degraded", app.get("/api/health").get("status").asText());
        try (BrowserContext ctx = DashboardIT.context()) {
            for (String path : new String[] {"/", "/configure?preset=fig1a-classroom", "/compare"}) {
                Page p = DashboardIT.page(ctx, path);
                // the first view of a freshly started server can take over 5 s on a busy machine (seen once)
                assertThat(p.locator("#health-banner"))
                        .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(30_000));
                assertThat(p.locator("#health-banner")).containsText("below store.minFreeBytes");
                if (path.equals("/")) DashboardIT.shot(p, "health-banner");
            }
        }
    }
}
