package dev.zerodrop.harness.traffic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request a target is sent: method, path and query, headers, body. Header values may come
 * from the environment ({@code Authorization: Bearer ${TOKEN}}); they are resolved once, when the plan
 * is built, and never written into records or reports (only header names are).
 *
 * @param pathAndQuery the raw path and query, never empty
 */
public record RequestTemplate(String method, String pathAndQuery, List<Header> headers, byte[] body) {
    private static final Pattern METHOD = Pattern.compile("[A-Z][A-Z-]{0,19}");
    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** A header to send. Its value is a secret as far as the harness is concerned. */
    public record Header(String name, String value) {
        public Header {
            if (!HEADER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a header name");
            }
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header " + name + ": the value must be one line");
            }
        }

        @Override
        public String toString() {
            return name + ": <" + value.length() + " chars>";
        }
    }

    public RequestTemplate {
        Objects.requireNonNull(method, "method");
        if (!METHOD.matcher(method).matches()) {
            throw new IllegalArgumentException("'" + method + "' is not an HTTP method (GET, POST, PUT, ...)");
        }
        if (pathAndQuery == null || !pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("a request path must start with '/': " + pathAndQuery);
        }
        headers = List.copyOf(headers);
        body = body == null ? new byte[0] : body.clone();
    }

    public static RequestTemplate get(String pathAndQuery) {
        return new RequestTemplate("GET", pathAndQuery, List.of(), null);
    }

    public boolean hasBody() {
        return body.length > 0;
    }

    /** Whether a method may change something on the server: the harness never sends these unasked. */
    public boolean writes() {
        return !List.of("GET", "HEAD", "OPTIONS").contains(method);
    }

    /** The same request with one more query parameter ({@code sleep=1500} for a long-lived request). */
    public RequestTemplate withQuery(String parameter) {
        String separator = pathAndQuery.contains("?") ? "&" : "?";
        return new RequestTemplate(method, pathAndQuery + separator + parameter, headers, body);
    }

    public RequestTemplate withHeaders(List<Header> more) {
        List<Header> all = new ArrayList<>(headers);
        all.addAll(more);
        return new RequestTemplate(method, pathAndQuery, all, body);
    }

    /** {@code GET /go-app/} plus header names: what reports may show. */
    public String describe() {
        StringBuilder text = new StringBuilder(method).append(' ').append(pathAndQuery);
        for (Header h : headers) {
            text.append(" [").append(h.name()).append(']');
        }
        if (hasBody()) {
            text.append(" (body ").append(body.length).append(" bytes)");
        }
        return text.toString();
    }

    /**
     * Parses {@code Name: value}, replacing {@code ${VAR}} from {@code env}; an unset variable is an
     * error, so a missing token fails before any traffic instead of sending an empty header.
     */
    public static Header parseHeader(String line, Function<String, String> env) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + shorten(line) + "' is not a header: use 'Name: value'");
        }
        String name = line.substring(0, colon).trim();
        String raw = line.substring(colon + 1).trim();
        Matcher m = ENV.matcher(raw);
        StringBuilder value = new StringBuilder();
        while (m.find()) {
            String v = env.apply(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException("header " + name + ": environment variable " + m.group(1) + " is not set");
            }
            m.appendReplacement(value, Matcher.quoteReplacement(v));
        }
        m.appendTail(value);
        return new Header(name, value.toString());
    }

    /** Header names already set by a template, lower-case. */
    public List<String> headerNames() {
        return headers.stream().map(h -> h.name().toLowerCase(Locale.ROOT)).toList();
    }

    private static String shorten(String s) {
        // The line may hold a secret: show the start only.
        return s.length() <= 20 ? s : s.substring(0, 20) + "…";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestTemplate t && method.equals(t.method) && pathAndQuery.equals(t.pathAndQuery)
                && headers.equals(t.headers) && java.util.Arrays.equals(body, t.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, pathAndQuery, headers, java.util.Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return describe();
    }
}
