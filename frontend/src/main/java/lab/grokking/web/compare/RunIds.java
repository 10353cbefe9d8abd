package lab.grokking.web.compare;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Run ids out of pasted text: bare ids or run links, in order, without repeats. */
final class RunIds {
    private static final Pattern ID = Pattern.compile("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])");

    private RunIds() {}

    static String parse(String text) {
        Set<String> ids = new LinkedHashSet<>();
        Matcher m = ID.matcher(text == null ? "" : text);
        while (m.find()) ids.add(m.group());
        return String.join(",", ids);
    }
}
