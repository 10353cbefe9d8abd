package lab.grokking;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "lab.grokking", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    /** The training core is a library: no web, UI or CLI code, so every client (CLI, API, dashboard) shares it. */
    @ArchTest
    static final ArchRule coreImportsNoWebOrUiCode = noClasses().that().resideInAPackage("lab.grokking.core..")
            .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "com.vaadin..", "org.eclipse.jetty..", "jakarta.servlet..",
                    "picocli..", "java.awt..", "javax.imageio..", "lab.grokking.cli..", "lab.grokking.web..", "lab.grokking.ui..");
}
