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
                    .addSerializer(double.class, new PlainDouble())
                    .addKeyDeserializer(ErrorClass.class, new com.fasterxml.jackson.databind.KeyDeserializer() {
                        @Override
                        public Object deserializeKey(String key, com.fasterxml.jackson.databind.DeserializationContext ctx) {
                            return ErrorClass.of(key);
                        }
                    }))
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

    /**
     * {@code millis} rounded to the microsecond, the resolution the JSON keeps: a value made with it
     * reads back exactly equal, so what a run prints and what {@code report DIR} prints from its
     * files agree to the last digit.
     */
    public static double toMicros(double millis) {
        return Math.round(millis * 1000) / 1000.0;
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

    /** Reads records.jsonl or records.jsonl.gz. */
    public static List<Record> readJsonl(Path file) {
        List<Record> records = new ArrayList<>();
        forEach(file, records::add);
        return records;
    }

    /** Streams a records file one record at a time (constant memory). */
    public static void forEach(Path file, java.util.function.Consumer<Record> action) {
        try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(
                file.getFileName().toString().endsWith(".gz")
                        ? new java.util.zip.GZIPInputStream(Files.newInputStream(file), 64 * 1024)
                        : Files.newInputStream(file), StandardCharsets.UTF_8))) {
            int lineNo = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (!line.isBlank()) {
                    try {
                        action.accept(MAPPER.readValue(line, Record.class));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalArgumentException(file + ":" + lineNo + ": not a record: " + e.getOriginalMessage(), e);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
