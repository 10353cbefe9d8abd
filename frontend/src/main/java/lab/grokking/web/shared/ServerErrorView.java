package lab.grokking.web.shared;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.PageTitle;

/**
 * What a view that fails shows instead of Vaadin's InternalServerError, which prints the root cause's class and
 * message even in production mode: a plain message; the log has the exception (as the API's 500 does).
 */
@PageTitle("Error · Grokking Lab")
public class ServerErrorView extends VerticalLayout implements HasErrorParameter<Exception> {
    static final String MESSAGE =
            "This page could not be shown because of an error on the server; its log has the details.";

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<Exception> parameter) {
        String path = event == null ? "?" : event.getLocation().getPath();
        System.getLogger(ServerErrorView.class.getName())
                .log(System.Logger.Level.ERROR, "view '" + path + "' failed", parameter.getException());
        removeAll();
        Paragraph message = new Paragraph(MESSAGE);
        message.setId("server-error");
        add(new H2("Something went wrong"), message, new Anchor("", "All experiments"));
        return 500;
    }
}
