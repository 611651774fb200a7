package dev.zerodrop.harness.traffic;

import java.net.URI;
import java.util.Objects;

/**
 * A named HTTP endpoint the traffic goes to, e.g. {@code go-app = http://127.0.0.1:18081/go-app/}.
 * The URI is the app's root: steady and long requests go to it, streams to {@code <uri>stream}.
 */
public record Target(String name, URI uri) {

    public Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uri, "uri");
        if (name.isBlank()) {
            throw new IllegalArgumentException("target name is blank: " + uri);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("target must be an http:// URL: " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("target has no host: " + uri);
        }
    }

    /** {@code [name=]URL}; without a name, the last path segment, else the host. */
    public static Target parse(String spec) {
        int eq = spec.indexOf('=');
        int scheme = spec.indexOf("://");
        if (eq > 0 && (scheme < 0 || eq < scheme)) {
            return new Target(spec.substring(0, eq).trim(), parseUri(spec.substring(eq + 1).trim()));
        }
        URI uri = parseUri(spec.trim());
        return new Target(defaultName(uri), uri);
    }

    private static URI parseUri(String text) {
        try {
            return URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + text, e);
        }
    }

    static String defaultName(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        for (String segment : reversed(path.split("/"))) {
            if (!segment.isBlank()) {
                return segment;
            }
        }
        return uri.getHost() == null ? uri.toString() : uri.getHost();
    }

    private static String[] reversed(String[] parts) {
        String[] out = new String[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parts[parts.length - 1 - i];
        }
        return out;
    }

    public int port() {
        return uri.getPort() > 0 ? uri.getPort() : 80;
    }

    /** Path and query to request; never empty. */
    public String pathAndQuery() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /** The same path with one more query parameter. */
    public String withQuery(String parameter) {
        String base = pathAndQuery();
        return base + (base.contains("?") ? "&" : "?") + parameter;
    }

    /** {@code <path>/stream}, whether or not the path ends with a slash. */
    public String streamPath() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return (path.endsWith("/") ? path : path + "/") + "stream";
    }

    /** The Host header: host, plus the port when it is not 80. */
    public String hostHeader() {
        String host = uri.getHost();
        return uri.getPort() > 0 && uri.getPort() != 80 ? host + ":" + uri.getPort() : host;
    }

    @Override
    public String toString() {
        return name + "=" + uri;
    }
}
