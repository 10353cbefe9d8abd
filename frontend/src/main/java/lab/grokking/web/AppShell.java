package lab.grokking.web;

import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Meta;
import com.vaadin.flow.theme.lumo.Lumo;

/** Page-level settings: title, theme, the app's own style sheet. */
@Meta(
        name = "description",
        content =
                "Grokking Lab: run the experiments of Lyu et al. (ICLR 2024) and watch early and late implicit biases take turns")
@StyleSheet(Lumo.STYLESHEET)
@StyleSheet("styles/lab.css")
public class AppShell implements AppShellConfigurator {}
