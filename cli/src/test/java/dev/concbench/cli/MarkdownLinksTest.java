package dev.concbench.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository's Markdown, as a newcomer follows it: every relative link leads to a file that
 * exists and, with a {@code #fragment}, to a heading of it (as GitHub names headings); README.md
 * stays short (the depth lives in docs/).
 */
class MarkdownLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");

    @Test
    void everyRelativeLinkLeadsToAFileAndHeadingThatExist() throws IOException {
        Path root = TestPaths.repoRoot();
        List<String> broken = new ArrayList<>();
        for (Path md : markdownFiles(root)) {
            Matcher m = LINK.matcher(withoutCodeBlocks(Files.readString(md)));
            while (m.find()) {
                String link = m.group(1);
                if (link.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // http:, https:, mailto:
                }
                int hash = link.indexOf('#');
                String file = hash < 0 ? link : link.substring(0, hash);
                Path target = file.isEmpty() ? md : md.getParent().resolve(file).normalize();
                String where = root.relativize(md) + ": " + link;
                if (!Files.exists(target)) {
                    broken.add(where + " (no such file)");
                } else if (hash >= 0 && target.toString().endsWith(".md")
                        && !anchors(target).contains(link.substring(hash + 1))) {
                    broken.add(where + " (no such heading)");
                }
            }
        }
        assertThat(broken).as("links that lead nowhere").isEmpty();
    }

    @Test
    void readmeStaysShort() throws IOException {
        assertThat(Files.size(TestPaths.repoRoot().resolve("README.md")))
                .as("README.md in bytes: the depth belongs in docs/").isLessThanOrEqualTo(15 * 1024);
    }

    @Test
    void aHeadingIsNamedAsGitHubNamesIt() {
        assertThat(anchor("CI (`.ci/run`): cold and warm")).isEqualTo("ci-cirun-cold-and-warm");
        assertThat(anchor("The API: `concbench.dev/v1alpha1`, kind `ConcurrencyBenchmark`"))
                .isEqualTo("the-api-concbenchdevv1alpha1-kind-concurrencybenchmark");
        assertThat(anchor("Über → the_end")).isEqualTo("über--the_end");
    }

    private static List<Path> markdownFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> {
                        Path rel = root.relativize(p);
                        for (Path part : rel) {
                            String name = part.toString();
                            if (name.equals("target") || name.equals("node_modules") || name.startsWith(".")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted().toList();
        }
    }

    private static String withoutCodeBlocks(String text) {
        StringBuilder out = new StringBuilder();
        boolean fenced = false;
        for (String line : text.split("\n", -1)) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (!fenced) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** The fragments GitHub gives a file's headings (a repeated one also gets -1, -2, ...). */
    private static Set<String> anchors(Path md) throws IOException {
        Set<String> out = new HashSet<>();
        for (String line : withoutCodeBlocks(Files.readString(md)).split("\n")) {
            Matcher m = HEADING.matcher(line);
            if (m.matches()) {
                String a = anchor(m.group(1));
                for (int i = 1; !out.add(a); i++) {
                    a = anchor(m.group(1)) + "-" + i;
                }
            }
        }
        return out;
    }

    /** GitHub's rule: lower case, drop what is not a letter, digit, space, hyphen or underscore, spaces to hyphens. */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "").replace(' ', '-');
    }
}
