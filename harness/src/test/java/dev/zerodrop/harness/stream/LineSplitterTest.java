package dev.zerodrop.harness.stream;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lines end at CRLF, LF or CR, whatever chunks the bytes arrive in. */
class LineSplitterTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyLineEndingOfTheGrammarEndsALine() {
        LineSplitter lines = new LineSplitter(1024);
        assertThat(lines.feed(bytes("a\r\nb\nc\rd\n"))).containsExactly("a", "b", "c", "d");
    }

    @Test
    void aCrlfSplitAcrossChunksIsOneLineEnd() {
        LineSplitter lines = new LineSplitter(1024);
        assertThat(lines.feed(bytes("data: x\r"))).containsExactly("data: x");
        assertThat(lines.feed(bytes("\n\r\n"))).as("the LF finishes the CRLF; then one empty line").containsExactly("");
    }

    @Test
    void anyChunkingGivesTheSameLines() {
        String text = "id: 1\r\nevent: tick\ndata: {\"seq\":1}\r\rdata: é\n\n";
        List<String> whole = new LineSplitter(1024).feed(bytes(text));
        byte[] all = bytes(text);
        for (int size = 1; size <= all.length; size++) {
            LineSplitter lines = new LineSplitter(1024);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < all.length; i += size) {
                got.addAll(lines.feed(all, i, Math.min(size, all.length - i)));
            }
            assertThat(got).as("chunks of %d bytes", size).isEqualTo(whole);
        }
        assertThat(whole).containsExactly("id: 1", "event: tick", "data: {\"seq\":1}", "", "data: é", "");
    }

    @Test
    void aPartialLineWaitsAndAnOverlongLineIsAnError() {
        LineSplitter lines = new LineSplitter(4);
        assertThat(lines.feed(bytes("ab"))).isEmpty();
        assertThat(lines.pending()).isEqualTo(2);
        assertThatThrownBy(() -> lines.feed(bytes("cdef"))).hasMessageContaining("longer than 4 bytes");
    }
}
