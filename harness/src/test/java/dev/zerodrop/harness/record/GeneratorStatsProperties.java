package dev.zerodrop.harness.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * The generator's figures read back from report.json exactly as the run had them, so `report DIR`
 * prints the run's own summary. CI once printed "max lag 1.5ms" during the run and "1.6ms" from the
 * files: the lag was kept in nanoseconds and stored at the microsecond.
 */
class GeneratorStatsProperties {

    @Property(tries = 2000)
    void survivesTheJsonRoundTripExactly(@ForAll @LongRange(min = 0, max = 60_000_000_000L) long lagNanos,
                                         @ForAll @LongRange(min = 0, max = 60_000_000_000L) long p99Nanos)
            throws Exception {
        GeneratorStats run = new GeneratorStats(100, 100, 0, lagNanos / 1e6, 0, 100, false, 0.5, p99Nanos / 1e6, 100,
                1_795_355_705_494.995, 1_795_355_706_494.5);
        String json = RecordsJson.MAPPER.writeValueAsString(run);
        assertThat(RecordsJson.MAPPER.readValue(json, GeneratorStats.class)).isEqualTo(run);
    }

    /** The case CI met: half a tenth of a millisecond, less than a microsecond below it. */
    @Example
    void aLagOnTheRoundingEdgePrintsTheSameBeforeAndAfter() throws Exception {
        GeneratorStats run = GeneratorStats.of(40, 40, 0, 1_549_600 / 1e6, 0, false);
        GeneratorStats back = RecordsJson.MAPPER.readValue(RecordsJson.MAPPER.writeValueAsString(run), GeneratorStats.class);
        assertThat(String.format(Locale.ROOT, "%.1f", back.maxLagMillis()))
                .isEqualTo(String.format(Locale.ROOT, "%.1f", run.maxLagMillis()));
    }
}
