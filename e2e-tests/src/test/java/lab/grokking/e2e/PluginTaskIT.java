package lab.grokking.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A task that exists only as a plug-in (the backend's test-only diagonal linear regression, registered through
 * ServiceLoader from its class folder) appears in the configure form and runs to a run view like the paper's tasks.
 */
class PluginTaskIT {
    static Path dir;
    static AppServer app;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("groklab-plugin");
        app = AppServer.start(
                dir.resolve("data"), dir.resolve("server.log"), Paths.get(System.getProperty("groklab.plugins")));
        DashboardIT.app = app;
        DashboardIT.openBrowser();
    }

    @AfterAll
    static void stop() throws Exception {
        DashboardIT.stop();
    }

    @Test
    void thePluginTasksFormAndRunViewRender() throws Exception {
        try (BrowserContext ctx = DashboardIT.context()) {
            Page form = DashboardIT.page(ctx, "/configure?preset=linreg-classroom");
            assertThat(form.locator("#field-k")).isVisible();
            assertThat(form.locator("#field-n")).isVisible();
            DashboardIT.shot(form, "plugin-configure");

            String id = app.post("{\"preset\": \"linreg-classroom\"}");
            Page p = DashboardIT.page(ctx, "/run/" + id);
            assertThat(p.locator("#status")).hasText("FINISHED", DashboardIT.FINISH);
            String fin = p.locator("#final-metric").textContent();
            assertTrue(fin.contains("test MSE"), fin);
            assertTrue(DashboardIT.number(fin, "test MSE ([0-9.e+-]+)") < 1e-2, fin);
            assertThat(p.locator("#predictor-caption")).containsText("Step");
            assertTrue(p.title().startsWith("Diagonal linear regression (d = 100, n = 30, k = 3)"), p.title());
            DashboardIT.shot(p, "plugin-run");
        }
    }
}
