package lab.grokking.web;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The dashboard is a client of the run service: it never touches the store's SQL or the training internals. */
class ArchitectureTest {
    static final JavaClasses WEB = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("lab.grokking.web");

    @Test
    void viewsUseTheRunServiceNotTheStoreOrSql() {
        noClasses().that().resideInAPackage("lab.grokking.web..").should().dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "org.sqlite..", "lab.grokking.server.api..").allowEmptyShould(false)
                .because("views go through RunService and LabService, like the API").check(WEB);
        noClasses().that().resideInAPackage("lab.grokking.web..").should().dependOnClassesThat()
                .haveFullyQualifiedName("lab.grokking.server.store.SqliteRunStore").check(WEB);
    }

    @Test
    void viewsDoNotRunTrainingThemselves() {
        noClasses().that().resideInAPackage("lab.grokking.web..").should().dependOnClassesThat()
                .resideInAnyPackage("lab.grokking.core.diag..", "lab.grokking.core.mc..", "lab.grokking.core.modadd..", "lab.grokking.core.linalg..", "lab.grokking.core.solve..")
                .because("runs are queued by the service, never trained on a request thread").check(WEB);
    }

    @Test
    void viewsBuildNoPathsFromUserInput() {
        noClasses().that().resideInAnyPackage("lab.grokking.web.home..", "lab.grokking.web.run..", "lab.grokking.web.configure..",
                "lab.grokking.web.compare..", "lab.grokking.web.classroom..", "lab.grokking.web.shared..")
                .should().dependOnClassesThat().belongToAnyOf(java.nio.file.Path.class, java.nio.file.Paths.class, java.nio.file.Files.class, java.io.File.class)
                .because("a view never turns a URL or a field into a file path").check(WEB);
    }
}
