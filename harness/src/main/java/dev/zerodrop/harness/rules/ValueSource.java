package dev.zerodrop.harness.rules;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Where a value (the serving version, the instance) is read from an answer:
 * {@code header:X-App-Version}, {@code body:REGEX} (its first group, or the group named {@code v}),
 * or {@code json:/pointer} into a JSON body. When the source finds nothing, the value is unknown —
 * never guessed.
 */
public sealed interface ValueSource {
    ObjectMapper JSON = new ObjectMapper();
    int MAX_VALUE_CHARS = 128;

    /** The value, or null when this source finds none. */
    String read(Function<String, String> headers, CharSequence body);

    String spec();

    /** The first value any of {@code sources} finds, in order; null when none does. */
    static String first(List<ValueSource> sources, Function<String, String> headers, CharSequence body) {
        for (ValueSource source : sources) {
            String value = source.read(headers, body);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** The first value found in a message or event's data (no headers). */
    static String first(List<ValueSource> sources, CharSequence data) {
        return first(sources, name -> null, data);
    }

    static ValueSource parse(String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? "" : spec.substring(0, colon);
        String arg = colon < 0 ? "" : spec.substring(colon + 1);
        if (arg.isEmpty()) {
            throw new IllegalArgumentException(bad(spec));
        }
        return switch (kind) {
            case "header" -> new Header(arg);
            case "body" -> {
                try {
                    Pattern p = Pattern.compile(arg, Pattern.MULTILINE);
                    if (p.matcher("").groupCount() < 1) {
                        throw new IllegalArgumentException("'" + spec + "': the regex needs a group that captures the value");
                    }
                    yield new Body(p);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("'" + spec + "': not a regex: " + e.getDescription());
                }
            }
            case "json" -> {
                try {
                    yield new Json(JsonPointer.compile(arg));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'" + spec + "': not a JSON pointer (like /version): " + e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException(bad(spec));
        };
    }

    private static String bad(String spec) {
        return "'" + spec + "' is not a value source: use header:NAME, body:REGEX-WITH-A-GROUP or json:/pointer";
    }

    private static String clip(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.isEmpty()) {
            return null;
        }
        return v.length() <= MAX_VALUE_CHARS ? v : v.substring(0, MAX_VALUE_CHARS);
    }

    record Header(String name) implements ValueSource {
        @Override
        public String read(Function<String, String> headers, CharSequence body) {
            return clip(headers.apply(name));
        }

        @Override
        public String spec() {
            return "header:" + name;
        }
    }

    record Body(Pattern pattern) implements ValueSource {
        @Override
        public String read(Function<String, String> headers, CharSequence body) {
            if (body == null) {
                return null;
            }
            Matcher m = pattern.matcher(body);
            if (!m.find()) {
                return null;
            }
            String named = pattern.pattern().contains("(?<v>") ? m.group("v") : null;
            return clip(named != null ? named : m.group(1));
        }

        @Override
        public String spec() {
            return "body:" + pattern.pattern();
        }
    }

    record Json(JsonPointer pointer) implements ValueSource {
        @Override
        public String read(Function<String, String> headers, CharSequence body) {
            if (body == null || body.length() == 0) {
                return null;
            }
            try {
                JsonNode node = JSON.readTree(body.toString()).at(pointer);
                return node.isMissingNode() || node.isNull() || node.isContainerNode() ? null : clip(node.asText());
            } catch (IOException e) {
                return null; // not JSON: no value, not an error
            }
        }

        @Override
        public String spec() {
            return "json:" + pointer;
        }
    }
}
