package dev.zerodrop.harness.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON for records and reports: one mapper, so equal inputs give equal bytes. Every map the harness
 * serialises is already ordered (enum, sorted or insertion order). Doubles are written plainly with at
 * most three decimals ({@code 1795355705494.995}, not {@code 1.795355705494995E12}): timestamps are
 * kept at microsecond resolution, so they survive the round trip exactly.
 */
public final class RecordsJson {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("plain-doubles")
                    .addSerializer(Double.class, new PlainDouble())
                    .addSerializer(double.class, new PlainDouble()))
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static final class PlainDouble extends StdSerializer<Double> {
        PlainDouble() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value.isNaN() || value.isInfinite()) {
                gen.writeNumber(value);
                return;
            }
            gen.writeNumber(BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros()
                    .toPlainString());
        }
    }

    private RecordsJson() {
    }

    public static void writeJsonl(List<Record> records, Path file) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Record r : records) {
                out.write(MAPPER.writeValueAsString(r));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Record> readJsonl(Path file) {
        List<Record> records = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    records.add(MAPPER.readValue(line, Record.class));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }

    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String toPrettyJson(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
