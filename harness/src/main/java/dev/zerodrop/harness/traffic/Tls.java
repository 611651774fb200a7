package dev.zerodrop.harness.traffic;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TLS for https:// targets. By default the JDK's trust store and full verification (chain and host
 * name, SNI from the URL); {@code caCert} trusts a CA of your own (PEM); {@code insecure} trusts
 * anything (printed as a warning and marked in the report); {@code cert} + {@code key} (PEM, key in
 * PKCS#8) present a client certificate for mTLS.
 */
public record Tls(Path caCert, boolean insecure, Path cert, Path key) {
    static {
        // Resume TLS sessions on new connections, as browsers and HTTP libraries do (a new
        // connection is still a new TCP connection and a new, abbreviated handshake). Without it
        // every new connection pays a full handshake and a certificate check in Java: on two shared
        // cores that alone made the generator fall behind at 250 new connections a second.
        if (System.getProperty("io.netty.handler.ssl.openssl.sessionCacheClient") == null) {
            System.setProperty("io.netty.handler.ssl.openssl.sessionCacheClient", "true");
        }
    }
    private static final java.util.concurrent.Executor HANDSHAKE_TASKS = java.util.concurrent.Executors.newFixedThreadPool(2,
            new io.netty.util.concurrent.DefaultThreadFactory("zerodrop-tls", true));

    public static Tls defaults() {
        return new Tls(null, false, null, null);
    }

    public Tls {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("a client certificate needs both --cert and --key");
        }
        if (insecure && caCert != null) {
            throw new IllegalArgumentException("--insecure and --cacert contradict each other: pick one");
        }
        for (Path p : new Path[] {caCert, cert, key}) {
            if (p != null && !Files.isReadable(p)) {
                throw new IllegalArgumentException("cannot read " + p);
            }
        }
    }

    /** The client context, built once per run; a malformed file is a clear error before any traffic. */
    public SslContext context() {
        try {
            // BoringSSL when its native library loads (Linux x86-64), the JDK's provider otherwise.
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
            if (OpenSsl.isAvailable()) {
                // The certificate check (Java code) runs as a task off the event loop: see handler().
                builder.option(io.netty.handler.ssl.OpenSslContextOption.USE_TASKS, true);
            }
            if (insecure) {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (caCert != null) {
                builder.trustManager(caCert.toFile());
            }
            if (cert != null) {
                builder.keyManager(cert.toFile(), key.toFile());
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("TLS settings: " + Errors.describe(e)
                    + (e.getCause() != null ? " (" + Errors.describe(e.getCause()) + ")" : ""), e);
        }
    }

    /** A handler for one connection: SNI and host-name verification from the target's URL. */
    public SslHandler handler(SslContext context, ByteBufAllocator alloc, Target target) {
        // Handshake work that can wait (verifying the server's chain) runs on its own threads, so the
        // event loops keep dispatching requests on time while new TLS connections are set up.
        SslHandler handler = context.newHandler(alloc, target.host(), target.port(), HANDSHAKE_TASKS);
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        if (!insecure) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        // The JDK sends SNI only for dotted names; a virtual host called "localhost" or "api" needs it too.
        if (!isIpLiteral(target.host())) {
            parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(target.host())));
        }
        engine.setSSLParameters(parameters);
        return handler;
    }

    static boolean isIpLiteral(String host) {
        return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** For report.json: which files, never their content. */
    public Map<String, Object> describe() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("caCert", caCert == null ? null : caCert.toString());
        map.put("insecure", insecure);
        map.put("clientCert", cert == null ? null : cert.toString());
        map.put("provider", OpenSsl.isAvailable() ? "BoringSSL " + OpenSsl.versionString() : "JDK");
        return map;
    }
}
