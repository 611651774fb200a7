package dev.zerodrop.harness.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h}, and sums like {@code 1m30s}. */
public final class Durations implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = PART.matcher(text);
        double millis = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            double n = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1000;
                case "m" -> n * 60_000;
                default -> n * 3_600_000;
            };
            end = m.end();
        }
        if (text.isEmpty() || end != text.length()) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration: use a number with ms, s, m or h, like 500ms, 3s, 2m");
        }
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /** {@code 10s-20s}, or a single duration for min = max. */
    public record Range(Duration min, Duration max) {
    }

    public static final class RangeConverter implements CommandLine.ITypeConverter<Range> {
        @Override
        public Range convert(String value) {
            int dash = value.indexOf('-');
            Duration min = parse(dash < 0 ? value : value.substring(0, dash));
            Duration max = dash < 0 ? min : parse(value.substring(dash + 1));
            if (min.compareTo(max) > 0) {
                throw new CommandLine.TypeConversionException("'" + value + "': the minimum is above the maximum");
            }
            return new Range(min, max);
        }
    }
}
