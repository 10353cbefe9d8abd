package lab.grokking.core.config;

import static org.junit.jupiter.api.Assertions.*;

import lab.grokking.core.diag.DiagConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigsTest {
    private static ConfigException reject(String json) {
        return assertThrows(ConfigException.class, () -> Configs.parse(json).validate(Limits.DEFAULT));
    }

    private static void assertRejected(String json, String field, String fragment) {
        ConfigException e = reject(json);
        assertTrue(
                e.problems().stream()
                        .anyMatch(p -> p.field().equals(field) && p.message().contains(fragment)),
                () -> "expected a problem on '" + field + "' containing '" + fragment + "', got: " + e.getMessage());
    }

    @Test
    void missingFieldsTakeTheDocumentedDefaults() {
        DiagConfig c = (DiagConfig) Configs.parse("{\"task\":\"diag\",\"d\":1000,\"n\":50,\"nTest\":100}");
        assertEquals(DiagConfig.DEFAULTS.alpha(), c.alpha());
        assertEquals(DiagConfig.DEFAULTS.lr(), c.lr());
        assertEquals(1000, c.d());
    }

    @Test
    void canonicalFormIsIndependentOfFieldOrderAndDefaults() {
        var a = Configs.parse("{\"task\":\"diag\",\"d\":1000,\"n\":50}");
        var b = Configs.parse("{\"n\":50,\"alpha\":128,\"d\":1000,\"task\":\"diag\"}");
        assertEquals(Configs.canonical(a), Configs.canonical(b));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"task\":\"diag\",\"n\":-5}                        | n           | must be in [1, 2048], got -5",
                "{\"task\":\"diag\",\"k\":4}                         | k           | must be odd",
                "{\"task\":\"diag\",\"alpha\":0}                     | alpha       | must be in (0.0",
                "{\"task\":\"diag\",\"lr\":1e300}                    | lr          | must be in (0.0, 100.0]",
                "{\"task\":\"diag\",\"data\":\"dense\"}              | data        | 'sparse' or 'gaussian'",
                "{\"task\":\"diag\",\"alhpa\":3}                     | alhpa       | unknown field; allowed: alpha",
                "{\"task\":\"diag\",\"n\":\"256\"}                   | n           | expected int",
                "{\"task\":\"diag\",\"n\":2.5}                       | n           | expected int",
                "{\"task\":\"diag\",\"n\":99999999999}               | n           | expected int",
                "{\"task\":\"diag\",\"d\":10000000,\"n\":2000}       | n, d        | above the memory limit",
                "{\"task\":\"diag\",\"steps\":1000000000}            | steps       | above the work limit",
                "{\"task\":\"diag\",\"d\":2000000,\"n\":1,\"steps\":2000} | d     | above the per-run disk limit limits.maxDiskBytes of 128 MiB",
                "{\"task\":\"diag\",\"d\":10000000,\"n\":1}        | n, d        | of snapshots, rows and checkpoint held for the store), above the memory limit",
                "{\"task\":\"diag\",\"data\":null}                   | data        | must be 'sparse' or 'gaussian', got null",
                "{\"task\":\"mnist\"}                                | task        | unknown task 'mnist'; known: diag",
                "{\"d\":5}                                           | task        | required",
            })
    void badFieldsAreNamedWithTheirLimit(String json, String field, String fragment) {
        assertRejected(json, field.trim(), fragment.trim());
    }

    /** Regression (FuzzTest, seed 2): an unknown key of spaces was named by a blank field a client cannot see. */
    @Test
    void aBlankUnknownKeyIsNamedInQuotes() {
        assertRejected("{\"task\":\"diag\",\" \":{}}", "\" \"", "unknown field; allowed: alpha");
        assertRejected("{\"task\":\"diag\",\"\":1}", "\"\"", "unknown field");
    }

    @Test
    void nanAndInfinityAreNotNumbers() {
        assertRejected("{\"task\":\"diag\",\"lr\":NaN}", "json", "NaN and Infinity");
        assertRejected("{\"task\":\"diag\",\"alpha\":Infinity}", "json", "NaN and Infinity");
        assertRejected("{\"task\":\"diag\",\"alpha\":-Infinity}", "json", "");
    }

    @Test
    void malformedAndHostileDocumentsGetAClearError() {
        assertRejected("{\"task\":\"diag\",", "json", "line 1");
        assertRejected("[1,2]", "config", "must be a JSON object");
        assertRejected("{\"task\":\"diag\"} {}", "json", "");
        assertRejected(
                "{\"task\":\"diag\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}", "json", "nesting depth");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigException e = reject("{\"task\":\"diag\",\"n\":0,\"d\":0,\"k\":2}");
        assertEquals(3, e.problems().size(), e.getMessage());
    }
}
