package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.record.Channel;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A named endpoint the traffic goes to, e.g. {@code go-app = http://127.0.0.1:18081/go-app/}, with
 * the requests it is sent and the connection mix. Steady requests to it cycle through every
 * channel × request combination, so each gets an equal share.
 *
 * @param requests what to send; by default one {@code GET} of the URI's path — the harness never
 *                 invents a write against someone's service
 * @param channels new and reused connections by default, counted apart
 */
public record Target(String name, URI uri, List<RequestTemplate> requests, List<Channel> channels) {

    public Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uri, "uri");
        if (name.isBlank()) {
            throw new IllegalArgumentException("target name is blank: " + uri);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("target must be an http:// or https:// URL: " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("target has no host: " + uri);
        }
        requests = List.copyOf(requests);
        channels = List.copyOf(channels);
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("target " + name + " has no request to send");
        }
        if (channels.isEmpty() || channels.stream().distinct().count() != channels.size()) {
            throw new IllegalArgumentException("target " + name + ": channels must be new, reused or both, once each");
        }
    }

    /** GET of the URI on new and reused connections. */
    public static Target of(String name, URI uri) {
        return new Target(name, uri, List.of(RequestTemplate.get(pathAndQuery(uri))), List.of(Channel.NEW, Channel.REUSED));
    }

    /** {@code [name=]URL}; without a name, the last path segment, else the host. */
    public static Target parse(String spec) {
        int eq = spec.indexOf('=');
        int scheme = spec.indexOf("://");
        if (eq > 0 && (scheme < 0 || eq < scheme)) {
            return of(spec.substring(0, eq).trim(), parseUri(spec.substring(eq + 1).trim()));
        }
        URI uri = parseUri(spec.trim());
        return of(defaultName(uri), uri);
    }

    public Target withRequests(List<RequestTemplate> newRequests) {
        return new Target(name, uri, newRequests, channels);
    }

    public Target withChannels(List<Channel> newChannels) {
        return new Target(name, uri, requests, newChannels);
    }

    public Target withName(String newName) {
        return new Target(newName, uri, requests, channels);
    }

    static URI parseUri(String text) {
        try {
            URI uri = URI.create(text);
            if (uri.getScheme() == null) {
                throw new IllegalArgumentException("not a URL (no http:// or https://): " + text);
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() != null && e.getMessage().startsWith("not a URL")
                    ? e.getMessage() : "not a URL: " + text, e);
        }
    }

    static String defaultName(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            if (!parts[i].isBlank()) {
                return parts[i];
            }
        }
        return uri.getHost() == null ? uri.toString() : uri.getHost();
    }

    public boolean secure() {
        return "https".equalsIgnoreCase(uri.getScheme());
    }

    public String host() {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    public int port() {
        return uri.getPort() > 0 ? uri.getPort() : secure() ? 443 : 80;
    }

    /** Path and query of a URI; never empty. */
    public static String pathAndQuery(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    public String pathAndQuery() {
        return pathAndQuery(uri);
    }

    /**
     * A path for a stream or socket of this target: relative ({@code stream}) to the target's path,
     * absolute ({@code /events}) as it is. Query strings are kept.
     */
    public String resolvePath(String path) {
        String basePath = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        // "stream" under /go-app means /go-app/stream, as under /go-app/.
        URI base = uri.resolve(basePath.endsWith("/") ? basePath : basePath + "/");
        return pathAndQuery(base.resolve(path));
    }

    /** The Host header: host, plus the port when it is not the scheme's default. */
    public String hostHeader() {
        String host = uri.getHost();
        int defaultPort = secure() ? 443 : 80;
        return uri.getPort() > 0 && uri.getPort() != defaultPort ? host + ":" + uri.getPort() : host;
    }

    /** How many steady requests make one full cycle of this target's mix. */
    public int mixSize() {
        return requests.size() * channels.size();
    }

    @Override
    public String toString() {
        return name + "=" + uri;
    }
}
