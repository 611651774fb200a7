package dev.zerodrop.harness.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The statuses that count as success: {@code 2xx}, {@code 200,204}, {@code 200-299}, {@code 2xx,304}.
 * Parsed once; {@link #contains} is what every answer is judged by.
 */
public final class StatusSet {
    private record Range(int min, int max) {
    }

    private final List<Range> ranges;
    private final String text;

    private StatusSet(List<Range> ranges, String text) {
        this.ranges = List.copyOf(ranges);
        this.text = text;
    }

    public static final StatusSet SUCCESS = parse("2xx");

    public static StatusSet parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty status list: use e.g. 2xx, 200,204 or 200-299");
        }
        List<Range> ranges = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String part = raw.trim().toLowerCase(Locale.ROOT);
            try {
                if (part.matches("[1-5]xx")) {
                    int hundred = (part.charAt(0) - '0') * 100;
                    ranges.add(new Range(hundred, hundred + 99));
                } else if (part.matches("\\d{3}-\\d{3}")) {
                    int min = Integer.parseInt(part.substring(0, 3));
                    int max = Integer.parseInt(part.substring(4));
                    if (min > max) {
                        throw new IllegalArgumentException();
                    }
                    ranges.add(new Range(check(min), check(max)));
                } else if (part.matches("\\d{3}")) {
                    int code = check(Integer.parseInt(part));
                    ranges.add(new Range(code, code));
                } else {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + raw.trim() + "' in '" + spec
                        + "' is not a status: use a code (200), a class (2xx) or a range (200-299)");
            }
        }
        return new StatusSet(ranges, spec.replace(" ", ""));
    }

    private static int check(int code) {
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException();
        }
        return code;
    }

    public boolean contains(int status) {
        for (Range r : ranges) {
            if (status >= r.min && status <= r.max) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
