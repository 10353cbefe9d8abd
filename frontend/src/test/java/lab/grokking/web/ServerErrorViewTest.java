package lab.grokking.web;

import static org.junit.jupiter.api.Assertions.*;

import com.vaadin.flow.router.ErrorParameter;
import lab.grokking.web.shared.ServerErrorView;
import org.junit.jupiter.api.Test;

/** A view that throws shows a plain message: Vaadin's own error view prints the cause even in production mode. */
class ServerErrorViewTest {
    @Test
    void aFailingViewShowsNothingOfTheException() {
        ServerErrorView view = new ServerErrorView();
        Exception cause = new IllegalStateException("cannot open /srv/groklab/data/runs.db", new RuntimeException("x"));
        int status = view.setErrorParameter(null, new ErrorParameter<>(Exception.class, cause));
        assertEquals(500, status);
        String text = view.getElement().getTextRecursively();
        assertTrue(text.contains("Something went wrong") && text.contains("log has the details"), text);
        for (String leak : new String[] {"IllegalStateException", "Exception", "runs.db", "/srv", "at lab.", "java."})
            assertFalse(text.contains(leak), leak + " in: " + text);
    }
}
