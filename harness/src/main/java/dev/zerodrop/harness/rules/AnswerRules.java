package dev.zerodrop.harness.rules;

import dev.zerodrop.harness.record.ErrorClass;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The success rules and where the version and instance are read: one pure function, {@link #judge},
 * decides every answer of every cohort (a steady request, a long one, a stream's or a WebSocket's
 * response head, an event's data).
 *
 * @param expectStatus   statuses that count as success (default 2xx)
 * @param expectBody     when set, the body must contain a match (find, not a full match)
 * @param expectHeaders  header name → regex its value must contain a match of
 * @param versionFrom    where the serving version is read, tried in order
 * @param instanceFrom   where the answering instance is read, tried in order
 */
public record AnswerRules(StatusSet expectStatus, Pattern expectBody, Map<String, Pattern> expectHeaders,
                          List<ValueSource> versionFrom, List<ValueSource> instanceFrom) {

    public static final int BODY_EXAMPLE_CHARS = 120;

    public AnswerRules {
        expectHeaders = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(expectHeaders));
        versionFrom = List.copyOf(versionFrom);
        instanceFrom = List.copyOf(instanceFrom);
    }

    /** Any 2xx; the version from {@code X-App-Version} and the instance from {@code X-App-Instance} when present. */
    public static AnswerRules defaults() {
        return new AnswerRules(StatusSet.SUCCESS, null, Map.of(),
                List.of(ValueSource.parse("header:X-App-Version")), List.of(ValueSource.parse("header:X-App-Instance")));
    }

    public AnswerRules withStatus(StatusSet set) {
        return new AnswerRules(set, expectBody, expectHeaders, versionFrom, instanceFrom);
    }

    public AnswerRules withBody(Pattern body) {
        return new AnswerRules(expectStatus, body, expectHeaders, versionFrom, instanceFrom);
    }

    public AnswerRules withHeader(String name, Pattern value) {
        Map<String, Pattern> headers = new LinkedHashMap<>(expectHeaders);
        headers.put(name, value);
        return new AnswerRules(expectStatus, expectBody, headers, versionFrom, instanceFrom);
    }

    public AnswerRules withVersionFrom(List<ValueSource> sources) {
        return new AnswerRules(expectStatus, expectBody, expectHeaders, sources, instanceFrom);
    }

    public AnswerRules withInstanceFrom(List<ValueSource> sources) {
        return new AnswerRules(expectStatus, expectBody, expectHeaders, versionFrom, sources);
    }

    /** Whether judging needs the body as text (decoding it costs CPU the schedule needs). */
    public boolean needsBody() {
        return expectBody != null || versionFrom.stream().anyMatch(s -> !(s instanceof ValueSource.Header))
                || instanceFrom.stream().anyMatch(s -> !(s instanceof ValueSource.Header));
    }

    /** Parses {@code NAME=REGEX}. */
    public static Map.Entry<String, Pattern> parseHeaderRule(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("'" + spec + "' is not a header rule: use NAME=REGEX");
        }
        try {
            return Map.entry(spec.substring(0, eq).trim(), Pattern.compile(spec.substring(eq + 1)));
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + spec + "': not a regex: " + e.getDescription());
        }
    }

    /** A full answer: status, headers, body. */
    public Judgement judge(Answer answer) {
        return judge(answer, true);
    }

    /**
     * A stream's or WebSocket's response head: the status and header rules apply, the body rule does
     * not (the body is the stream). {@code expected} replaces the status rule (an SSE stream must
     * answer 200; a WebSocket upgrade 101).
     */
    public Judgement judgeHead(Answer head, StatusSet expected) {
        return withStatus(expected).judge(head, false);
    }

    private Judgement judge(Answer answer, boolean withBody) {
        int status = answer.status();
        String version = ValueSource.first(versionFrom, answer.headers(), answer.body());
        String instance = ValueSource.first(instanceFrom, answer.headers(), answer.body());
        if (!expectStatus.contains(status)) {
            ErrorClass cls = status >= 500 && status <= 599 ? ErrorClass.HTTP_5XX
                    : status >= 400 && status <= 499 ? ErrorClass.HTTP_4XX : ErrorClass.UNEXPECTED_STATUS;
            String message = "HTTP " + status + (expectStatus == StatusSet.SUCCESS ? "" : " (expected " + expectStatus + ")");
            return new Judgement(cls, message, version, instance);
        }
        for (Map.Entry<String, Pattern> rule : expectHeaders.entrySet()) {
            String value = answer.headers().apply(rule.getKey());
            if (value == null) {
                return new Judgement(ErrorClass.WRONG_HEADER, "header " + rule.getKey() + " missing", version, instance);
            }
            if (!rule.getValue().matcher(value).find()) {
                // The value may be a secret: name the rule, never echo the value.
                return new Judgement(ErrorClass.WRONG_HEADER, "header " + rule.getKey() + " does not match /"
                        + rule.getValue().pattern() + "/", version, instance);
            }
        }
        if (withBody && expectBody != null) {
            CharSequence body = answer.body() == null ? "" : answer.body();
            if (!expectBody.matcher(body).find()) {
                return new Judgement(ErrorClass.WRONG_BODY, "body: " + example(body), version, instance);
            }
        }
        return new Judgement(ErrorClass.NONE, null, version, instance);
    }


    /** The start of a body, on one line, for error messages. */
    public static String example(CharSequence body) {
        String text = body.toString().strip().replaceAll("\\s+", " ");
        return text.length() <= BODY_EXAMPLE_CHARS ? text : text.substring(0, BODY_EXAMPLE_CHARS) + "…";
    }

    /** For report.json: the rules as text. */
    public Map<String, Object> describe() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("expectStatus", expectStatus.toString());
        map.put("expectBody", expectBody == null ? null : expectBody.pattern());
        map.put("expectHeaders", expectHeaders.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().pattern(), (a, b) -> a, LinkedHashMap::new)));
        map.put("versionFrom", versionFrom.stream().map(ValueSource::spec).toList());
        map.put("instanceFrom", instanceFrom.stream().map(ValueSource::spec).toList());
        return map;
    }
}
