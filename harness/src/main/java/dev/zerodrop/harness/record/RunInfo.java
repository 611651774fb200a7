package dev.zerodrop.harness.record;

import java.util.List;
import java.util.Map;

/**
 * What reports need to know about a run besides its records and verdict: the targets, the window,
 * the generator's figures, the steady traffic's span. Saved in report.json, so {@code report DIR}
 * renders a finished run without any traffic class.
 *
 * @param targets   name → URL
 * @param cohorts   the plan's cohort names, in plan order
 * @param insecure  TLS verification was off (--insecure): the report says so
 * @param records   which records were written: all, failed or none
 * @param plan      the plan as plain values (header values never included)
 */
public record RunInfo(String harness,
                      Map<String, String> targets,
                      List<String> cohorts,
                      double rate,
                      UpgradeWindow window,
                      GeneratorStats generator,
                      double startedAtMillis,
                      double endedAtMillis,
                      SteadySpan steady,
                      boolean insecure,
                      String records,
                      Map<String, Object> plan) {

    /** The harness version written into reports. */
    public static final String HARNESS = "zerodrop-harness 2.0.0";

    /**
     * Steady traffic's extent, for the rate and throughput figures.
     *
     * @param firstIntendedMs first intended time, null without steady records
     * @param lastIntendedMs  last intended time
     * @param lastEndMs       last answer
     */
    public record SteadySpan(long count, long ok, Double firstIntendedMs, Double lastIntendedMs, Double lastEndMs) {
        public static final SteadySpan EMPTY = new SteadySpan(0, 0, null, null, null);

        public SteadySpan plus(Record r) {
            return new SteadySpan(count + 1, ok + (r.ok() ? 1 : 0),
                    firstIntendedMs == null ? r.intendedAtMs() : Math.min(firstIntendedMs, r.intendedAtMs()),
                    lastIntendedMs == null ? r.intendedAtMs() : Math.max(lastIntendedMs, r.intendedAtMs()),
                    lastEndMs == null ? r.endAtMs() : Math.max(lastEndMs, r.endAtMs()));
        }
    }
}
