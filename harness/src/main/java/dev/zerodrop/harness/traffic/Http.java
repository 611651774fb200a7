package dev.zerodrop.harness.traffic;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.util.ResourceLeakDetector;

/** Netty HTTP settings shared by the engine, the streams and the closed-loop bench. */
public final class Http {
    /**
     * Header validation off: the harness writes its own known-good headers, and judges answers by
     * status and body, so validating every header name and value is CPU the schedule needs.
     */
    public static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    public static final HttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

    static {
        // Leak sampling captures stack traces; off unless someone asks for it explicitly.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    private Http() {
    }

    /** failOnMissingResponse off: an answer that never came is the engine's to classify (TIMEOUT, PREMATURE_CLOSE). */
    public static HttpClientCodec codec() {
        return new HttpClientCodec(new HttpDecoderConfig().setHeadersFactory(HEADERS).setTrailersFactory(TRAILERS),
                false, false);
    }
}
