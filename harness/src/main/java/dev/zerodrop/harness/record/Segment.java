package dev.zerodrop.harness.record;

/**
 * The part of a record only streaming cohorts have: one connection (segment) of a long-lived stream
 * of events (SSE, WebSocket), which the stream resumes on a new connection when the server asks.
 *
 * @param stream   which stream of its cohort this segment belongs to
 * @param events   events received on this segment
 * @param firstSeq sequence number of its first event (its id), when the events carry one
 * @param lastSeq  sequence number of its last event
 */
public record Segment(int stream, long events, Long firstSeq, Long lastSeq) {
}
