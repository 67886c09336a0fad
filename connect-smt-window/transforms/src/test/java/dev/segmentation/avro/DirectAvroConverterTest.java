package dev.segmentation.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the converter writes must be what Avro's own reader reads back, with the schema it registered: the expected
 * values come from the Connect structs, the decoding from Avro's {@code GenericDatumReader}, not from this code.
 */
class DirectAvroConverterTest {

    private static final Schema ADDRESS = SchemaBuilder.struct().name("test.Address")
            .field("city", Schema.STRING_SCHEMA).build();
    private static final Schema WIDE = SchemaBuilder.struct().name("test.Wide").doc("Every type the converter writes.")
            .field("int8", Schema.INT8_SCHEMA)
            .field("int16", Schema.INT16_SCHEMA)
            .field("int32", Schema.INT32_SCHEMA)
            .field("int64", SchemaBuilder.int64().doc("a \"quoted\" doc").build())
            .field("float32", Schema.FLOAT32_SCHEMA)
            .field("float64", Schema.FLOAT64_SCHEMA)
            .field("flag", Schema.BOOLEAN_SCHEMA)
            .field("text", Schema.STRING_SCHEMA)
            .field("blob", Schema.BYTES_SCHEMA)
            .field("amount", Decimal.builder(2).build())
            .field("day", Date.SCHEMA)
            .field("time_of_day", Time.SCHEMA)
            .field("at", Timestamp.SCHEMA)
            .field("maybe_absent", Schema.OPTIONAL_STRING_SCHEMA)
            .field("maybe_present", Schema.OPTIONAL_INT64_SCHEMA)
            .field("with_default", SchemaBuilder.string().optional().defaultValue("none").build())
            .field("tags", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build())
            .field("no_tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field("counts", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build())
            .field("home", ADDRESS)
            .field("work", SchemaBuilder.struct().optional().name("test.Address").field("city", Schema.STRING_SCHEMA)
                    .build())
            .field("anonymous", SchemaBuilder.struct().field("n", Schema.INT32_SCHEMA).build())
            .build();

    private FakeRegistry registry;
    private DirectAvroConverter converter;

    @BeforeEach
    void start() throws IOException {
        registry = new FakeRegistry();
        converter = new DirectAvroConverter();
        converter.configure(Map.of("schema.registry.url", registry.url()), false);
    }

    @AfterEach
    void stop() {
        converter.close();
        registry.close();
    }

    @Test
    void everyTypeReadsBackThroughAvro() {
        Struct wide = wideValue();

        GenericRecord read = decode(converter.fromConnectData("wide", WIDE, wide));

        assertThat(read.get("int8")).isEqualTo(-8);
        assertThat(read.get("int16")).isEqualTo(1600);
        assertThat(read.get("int32")).isEqualTo(Integer.MIN_VALUE);
        assertThat(read.get("int64")).isEqualTo(Long.MAX_VALUE);
        assertThat(read.get("float32")).isEqualTo(1.5f);
        assertThat(read.get("float64")).isEqualTo(-0.25);
        assertThat(read.get("flag")).isEqualTo(true);
        assertThat(read.get("text")).hasToString("Grüße, 世界");
        assertThat(read.get("blob")).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(new BigDecimal(new java.math.BigInteger(bytes(read.get("amount"))), 2))
                .isEqualTo(new BigDecimal("-1234.56"));
        assertThat(read.get("day")).isEqualTo(20_454);
        assertThat(read.get("time_of_day")).isEqualTo(3_723_000);
        assertThat(read.get("at")).isEqualTo(1_767_225_600_123L);
        assertThat(read.get("maybe_absent")).isNull();
        assertThat(read.get("maybe_present")).isEqualTo(7L);
        assertThat(read.get("with_default")).hasToString("none");
        assertThat((List<?>) read.get("tags")).extracting(t -> t == null ? null : t.toString())
                .containsExactly("a", null, "b");
        assertThat((List<?>) read.get("no_tags")).isEmpty();
        assertThat(((Map<?, ?>) read.get("counts")).entrySet()).extracting(e -> e.getKey() + "=" + e.getValue())
                .containsExactlyInAnyOrder("x=1", "y=2");
        assertThat(((GenericRecord) read.get("home")).get("city")).hasToString("Lisbon");
        assertThat(((GenericRecord) read.get("work")).get("city")).hasToString("Porto");
        assertThat(((GenericRecord) read.get("anonymous")).get("n")).isEqualTo(3);
    }

    @Test
    void registeredSchemaIsPlainAvroWithNamesDocsLogicalTypesAndUnions() {
        converter.fromConnectData("wide", WIDE, wideValue());

        org.apache.avro.Schema schema = registeredSchema(0);
        assertThat(schema.getFullName()).isEqualTo("test.Wide");
        assertThat(schema.getDoc()).isEqualTo("Every type the converter writes.");
        assertThat(schema.getField("int64").doc()).isEqualTo("a \"quoted\" doc");
        assertThat(schema.getField("at").schema().getLogicalType().getName()).isEqualTo("timestamp-millis");
        assertThat(schema.getField("day").schema().getLogicalType().getName()).isEqualTo("date");
        assertThat(schema.getField("time_of_day").schema().getLogicalType().getName()).isEqualTo("time-millis");
        assertThat(schema.getField("amount").schema().getLogicalType().getName()).isEqualTo("decimal");
        assertThat(schema.getField("maybe_absent").schema().getTypes()).extracting(org.apache.avro.Schema::getType)
                .containsExactly(org.apache.avro.Schema.Type.NULL, org.apache.avro.Schema.Type.STRING);
        assertThat(schema.getField("maybe_absent").defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        // A non-null default must match the union's first branch.
        assertThat(schema.getField("with_default").schema().getTypes()).extracting(org.apache.avro.Schema::getType)
                .containsExactly(org.apache.avro.Schema.Type.STRING, org.apache.avro.Schema.Type.NULL);
        assertThat(schema.getField("with_default").defaultVal()).isEqualTo("none");
        assertThat(schema.getField("anonymous").schema().getFullName())
                .isEqualTo("io.confluent.connect.avro.ConnectDefault");
    }

    @Test
    void registersEachSchemaOncePerTopicUnderTheTopicNameStrategy() {
        for (int i = 0; i < 100; i++) {
            converter.fromConnectData("a", WIDE, wideValue());
            converter.fromConnectData("b", WIDE, wideValue());
        }
        DirectAvroConverter keys = new DirectAvroConverter();
        keys.configure(Map.of("schema.registry.url", registry.url()), true);
        keys.fromConnectData("a", Schema.STRING_SCHEMA, "user-1");

        assertThat(registry.requests()).extracting(FakeRegistry.Request::path)
                .containsExactly("/subjects/a-value/versions", "/subjects/b-value/versions", "/subjects/a-key/versions");
        assertThat(registry.requests().get(2).schema()).isEqualTo("\"string\"");
    }

    @Test
    void writesTheRegisteredIdInTheWireFormatHeader() {
        converter.fromConnectData("a", Schema.STRING_SCHEMA, "first");
        byte[] second = converter.fromConnectData("b", Schema.STRING_SCHEMA, "x");

        assertThat(second[0]).isZero();
        assertThat(ByteBuffer.wrap(second, 1, 4).getInt()).isEqualTo(2);
        assertThat(Arrays.copyOfRange(second, 5, second.length)).containsExactly(2, 'x');
    }

    @Test
    void anEqualSchemaInstanceIsNotRegisteredAgain() {
        converter.fromConnectData("a", ADDRESS, new Struct(ADDRESS).put("city", "Lisbon"));
        Schema copy = SchemaBuilder.struct().name("test.Address").field("city", Schema.STRING_SCHEMA).build();
        byte[] bytes = converter.fromConnectData("a", copy, new Struct(copy).put("city", "Porto"));

        assertThat(registry.requests()).hasSize(1);
        assertThat(decode(bytes).get("city")).hasToString("Porto");
    }

    @Test
    void withoutAutoRegistrationLooksTheSchemaUpAndNamesTheSubjectWhenMissing() {
        converter.fromConnectData("a", ADDRESS, new Struct(ADDRESS).put("city", "Lisbon"));
        DirectAvroConverter lookingUp = new DirectAvroConverter();
        lookingUp.configure(Map.of("schema.registry.url", registry.url(), "auto.register.schemas", "false"), false);

        byte[] found = lookingUp.fromConnectData("a", ADDRESS, new Struct(ADDRESS).put("city", "Porto"));

        assertThat(ByteBuffer.wrap(found, 1, 4).getInt()).isEqualTo(1);
        assertThat(registry.requests().get(1).path()).isEqualTo("/subjects/a-value");
        assertThatThrownBy(() -> lookingUp.fromConnectData("other", ADDRESS, new Struct(ADDRESS).put("city", "x")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("Subject other-value does not hold the schema")
                .hasMessageContaining("auto.register.schemas=true");
    }

    @Test
    void sendsBasicAuthenticationWhenGivenUserInfo() {
        DirectAvroConverter authenticated = new DirectAvroConverter();
        authenticated.configure(Map.of("schema.registry.url", registry.url(), "basic.auth.user.info", "me:secret"),
                false);

        authenticated.fromConnectData("a", Schema.STRING_SCHEMA, "x");

        assertThat(registry.requests().get(0).authorization()).isEqualTo("Basic bWU6c2VjcmV0");
    }

    @Test
    void tombstonesStayNull() {
        assertThat(converter.fromConnectData("a", ADDRESS, null)).isNull();
        assertThat(registry.requests()).isEmpty();
    }

    @Test
    void refusesWhatAvroCannotHoldWithTheFieldAndTheWayOut() {
        Schema intKeys = SchemaBuilder.struct().name("test.M")
                .field("by_id", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build()).build();

        assertThatThrownBy(() -> converter.fromConnectData("t", intKeys, new Struct(intKeys).put("by_id", Map.of())))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("t.by_id is a map with INT32 keys")
                .hasMessageContaining("io.confluent.connect.avro.AvroConverter");
        assertThatThrownBy(() -> converter.fromConnectData("t", ADDRESS, new Struct(ADDRESS)))
                .isInstanceOf(DataException.class).hasMessageContaining("t.city is required but null");
        assertThatThrownBy(() -> converter.fromConnectData("t", null, "schemaless"))
                .isInstanceOf(DataException.class).hasMessageContaining("has no schema");
        assertThatThrownBy(() -> converter.toConnectData("t", new byte[] {0, 0, 0, 0, 1}))
                .isInstanceOf(DataException.class).hasMessageContaining("only writes");
    }

    @Test
    void refusesARegistryUrlThatIsMissingOrNotHttp() {
        assertThatThrownBy(() -> new DirectAvroConverter().configure(Map.of(), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> new DirectAvroConverter().configure(Map.of("schema.registry.url", "registry:8081"),
                false)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url").hasMessageContaining("http://");
    }

    @Test
    void everyKeyIsDocumentedGroupedAndNamed() {
        assertThat(converter.config()).isSameAs(DirectAvroConverterConfig.CONFIG_DEF);
        for (ConfigDef.ConfigKey key : DirectAvroConverterConfig.CONFIG_DEF.configKeys().values()) {
            assertThat(key.documentation).as(key.name).isNotBlank();
            assertThat(key.group).as(key.name).isNotBlank();
            assertThat(key.displayName).as(key.name).isNotBlank().isNotEqualTo(key.name);
        }
        assertThat(DirectAvroConverterConfig.CONFIG_DEF.configKeys().get("schema.registry.url").validator).isNotNull();
    }

    private static Struct wideValue() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("x", 1);
        counts.put("y", 2);
        return new Struct(WIDE)
                .put("int8", (byte) -8).put("int16", (short) 1600).put("int32", Integer.MIN_VALUE)
                .put("int64", Long.MAX_VALUE).put("float32", 1.5f).put("float64", -0.25).put("flag", true)
                .put("text", "Grüße, 世界").put("blob", new byte[] {1, 2, 3})
                .put("amount", new BigDecimal("-1234.56"))
                .put("day", new java.util.Date(20_454L * 86_400_000L))
                .put("time_of_day", new java.util.Date(3_723_000L))
                .put("at", new java.util.Date(1_767_225_600_123L))
                .put("maybe_present", 7L)
                .put("tags", Arrays.asList("a", null, "b")).put("no_tags", List.of()).put("counts", counts)
                .put("home", new Struct(ADDRESS).put("city", "Lisbon"))
                .put("work", new Struct(WIDE.field("work").schema()).put("city", "Porto"))
                .put("anonymous", new Struct(WIDE.field("anonymous").schema()).put("n", 3));
    }

    private org.apache.avro.Schema registeredSchema(int request) {
        return new org.apache.avro.Schema.Parser().parse(registry.requests().get(request).schema());
    }

    /** Decodes with the schema last registered, after checking the wire format's header names its id. */
    private GenericRecord decode(byte[] bytes) {
        List<FakeRegistry.Request> requests = registry.requests();
        org.apache.avro.Schema schema = new org.apache.avro.Schema.Parser()
                .parse(requests.get(requests.size() - 1).schema());
        assertThat(bytes[0]).isZero();
        try {
            return new GenericDatumReader<GenericRecord>(schema, schema, GenericData.get())
                    .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(Object buffer) {
        ByteBuffer copy = ((ByteBuffer) buffer).duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
