package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README code comes from code that compiles and runs: every block introduced by
 * {@code <!-- snippet: <file> <name> -->} must equal the region between {@code // README: <name>}
 * and {@code // README-END} in that file (indentation removed).
 *
 * <p>Run just this: {@code ./scripts/test --only ReadmeSnippetsTest}
 */
class ReadmeSnippetsTest {
    private static final Pattern SNIPPET =
            Pattern.compile("<!-- snippet: (\\S+) (\\S+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void readmeSnippetsMatchTheirSources() throws Exception {
        Path root = Path.of("..");
        String readme = Files.readString(root.resolve("README.md"));
        Matcher m = SNIPPET.matcher(readme);
        int n = 0;
        while (m.find()) {
            n++;
            String src = Files.readString(root.resolve(m.group(1)));
            String start = "// README: " + m.group(2) + "\n";
            int a = src.indexOf(start);
            assertThat(a).as("region %s in %s", m.group(2), m.group(1)).isNotNegative();
            int b = src.indexOf("// README-END", a);
            String region = src.substring(a + start.length(), b);
            assertThat(m.group(3).strip()).as("README snippet %s", m.group(2)).isEqualTo(dedent(region).strip());
        }
        assertThat(n).as("snippets in README.md").isPositive();
    }

    static String dedent(String s) {
        int min = s.lines().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        s.lines().forEach(l -> out.append(l.length() >= min ? l.substring(min) : l.strip()).append('\n'));
        return out.toString();
    }
}
