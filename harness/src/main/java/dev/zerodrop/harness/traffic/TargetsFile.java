package dev.zerodrop.harness.traffic;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * vegeta's targets file (its "http" format), so users bring what they already have:
 * <pre>
 * GET http://127.0.0.1:8080/api/items
 * Authorization: Bearer ${TOKEN}
 *
 * POST http://127.0.0.1:8080/api/items
 * Content-Type: application/json
 * &#64;items.json
 * </pre>
 * An entry is a {@code METHOD URL} line, then header lines, then an optional {@code @body-file}
 * (relative to the working directory, as in vegeta); a new {@code METHOD URL} line or a blank line
 * ends an entry (plain lists of {@code GET url} lines are the most common file); lines starting
 * with {@code #} are comments. Each entry becomes one target, named after its URL's last path
 * segment (with the method when that alone is ambiguous).
 */
public final class TargetsFile {
    private TargetsFile() {
    }

    public static List<Target> read(Path file, Function<String, String> env) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read targets file " + file + ": " + e.getMessage(), e);
        }
        return parse(lines, file.toString(), env, Path.of(""));
    }

    record Entry(String method, URI uri, List<RequestTemplate.Header> headers, byte[] body, int line) {
    }

    /** {@code GET http://...}: a method, one space-free URL with a scheme. A header line never looks so. */
    private static final java.util.regex.Pattern REQUEST_LINE =
            java.util.regex.Pattern.compile("[A-Za-z][A-Za-z-]*\\s+[A-Za-z][A-Za-z0-9+.-]*://\\S+");

    static List<Target> parse(List<String> lines, String source, Function<String, String> env, Path workDir) {
        List<Entry> entries = new ArrayList<>();
        String method = null;
        URI uri = null;
        List<RequestTemplate.Header> headers = new ArrayList<>();
        byte[] body = null;
        int start = 0;
        for (int i = 0; i <= lines.size(); i++) {
            String line = i < lines.size() ? lines.get(i).strip() : "";
            String where = source + ":" + (i + 1);
            if (line.startsWith("#")) {
                continue;
            }
            if (method != null && REQUEST_LINE.matcher(line).matches()) {
                // The next entry starts without a blank line: close this one first.
                entries.add(new Entry(method, uri, List.copyOf(headers), body, start));
                method = null;
                headers.clear();
                body = null;
            }
            if (line.isEmpty()) {
                if (method != null) {
                    entries.add(new Entry(method, uri, List.copyOf(headers), body, start));
                    method = null;
                    headers.clear();
                    body = null;
                }
                continue;
            }
            if (method == null) {
                String[] parts = line.split("\\s+");
                if (parts.length != 2) {
                    throw new IllegalArgumentException(where + ": expected 'METHOD URL', got '" + shorten(line) + "'");
                }
                method = parts[0];
                try {
                    uri = Target.parseUri(parts[1]);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage());
                }
                start = i + 1;
                continue;
            }
            if (body != null) {
                throw new IllegalArgumentException(where + ": nothing may follow the @body line of an entry; "
                        + "separate entries with a blank line");
            }
            if (line.startsWith("@")) {
                Path bodyFile = workDir.resolve(line.substring(1).strip());
                try {
                    body = Files.readAllBytes(bodyFile);
                } catch (IOException e) {
                    throw new IllegalArgumentException(where + ": cannot read body file " + bodyFile + ": " + e.getMessage());
                }
                continue;
            }
            try {
                headers.add(RequestTemplate.parseHeader(line, env));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(source + ": no targets (expected 'METHOD URL' lines)");
        }
        return toTargets(entries, source);
    }

    private static List<Target> toTargets(List<Entry> entries, String source) {
        Map<String, Integer> bySegment = new HashMap<>();
        entries.forEach(e -> bySegment.merge(Target.defaultName(e.uri()), 1, Integer::sum));
        Map<String, Integer> used = new HashMap<>();
        List<Target> targets = new ArrayList<>();
        for (Entry e : entries) {
            String segment = Target.defaultName(e.uri());
            String name = bySegment.get(segment) == 1 ? segment : e.method() + " " + segment;
            int n = used.merge(name, 1, Integer::sum);
            if (n > 1) {
                name = name + " #" + n;
            }
            RequestTemplate request;
            try {
                request = new RequestTemplate(e.method(), Target.pathAndQuery(e.uri()), e.headers(), e.body());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(source + ":" + e.line() + ": " + ex.getMessage());
            }
            targets.add(Target.of(name, e.uri()).withRequests(List.of(request)));
        }
        return targets;
    }

    private static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
