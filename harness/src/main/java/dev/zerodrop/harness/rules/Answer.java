package dev.zerodrop.harness.rules;

import java.util.function.Function;

/**
 * What came back, as the rules see it: the status, a header lookup (case-insensitive, first value),
 * and the body as text when there is one (null for a stream's head).
 */
public record Answer(int status, Function<String, String> headers, CharSequence body) {
}
