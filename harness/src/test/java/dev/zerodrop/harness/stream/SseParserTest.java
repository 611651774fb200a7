package dev.zerodrop.harness.stream;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The event-stream grammar, line by line. */
class SseParserTest {
    private static List<SseEvent> parse(String... lines) {
        SseParser parser = new SseParser();
        List<SseEvent> events = new ArrayList<>();
        for (String line : lines) {
            parser.line(line).ifPresent(events::add);
        }
        return events;
    }

    @Test
    void anEventIsDispatchedAtTheBlankLine() {
        assertThat(parse("id: 7", "event: tick", "data: {\"seq\":7}", ""))
                .containsExactly(new SseEvent("7", "tick", "{\"seq\":7}", true));
    }

    @Test
    void dataLinesJoinWithLfAndOneLeadingSpaceIsDropped() {
        assertThat(parse("data:a", "data:  b", "")).containsExactly(new SseEvent(null, "message", "a\n b", false));
    }

    @Test
    void commentsAndEventsWithoutDataAreNotDispatched() {
        assertThat(parse(": keep-alive", "", "event: ping", "")).isEmpty();
    }

    @Test
    void theLastIdPersistsAcrossEventsButOnlyTheEventThatSetItOwnsIt() {
        List<SseEvent> events = parse("id: 3", "data: a", "", "data: b", "");
        assertThat(events).containsExactly(new SseEvent("3", "message", "a", true), new SseEvent("3", "message", "b", false));
    }

    @Test
    void anIdWithNulIsIgnoredAndUnknownFieldsToo() {
        SseParser parser = new SseParser();
        parser.line("id: 1");
        parser.line("data: x");
        parser.line("");
        parser.line("id: 2\0");
        parser.line("retry: 100");
        parser.line("foo: bar");
        Optional<SseEvent> event = parser.line("data: y").or(() -> parser.line(""));
        assertThat(event).contains(new SseEvent("1", "message", "y", false));
        assertThat(parser.lastId()).isEqualTo("1");
    }

    @Test
    void aFieldWithoutColonHasAnEmptyValue() {
        assertThat(parse("data", "")).containsExactly(new SseEvent(null, "message", "", false));
    }
}
