package dev.segmentation.window.transforms;

import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

import dev.segmentation.events.BundleVersion;

/**
 * Renames a record's topic to a readable table name, for sinks that name their table after the topic (such as the
 * JDBC sink with {@code collection.name.format=${topic}}):
 *
 * <pre>
 * transforms=table
 * transforms.table.type=dev.segmentation.window.transforms.TopicToTable
 * transforms.table.prefix.strip=segmentation.metrics.
 * </pre>
 *
 * turns {@code segmentation.metrics.active-users} into {@code active_users}. In order: {@code prefix.strip} is
 * removed from the start of the topic (unless that would leave nothing), every
 * character outside {@code [A-Za-z0-9_]} is replaced by {@code separator.replacement} (one replacement per
 * character, so {@code a.b} and {@code a-b} map to the same table), {@code table.prefix} is put in front, and
 * {@code case} is applied to the whole name. Both replacement and prefix are restricted to {@code [A-Za-z0-9_]},
 * so the result needs no quoting in SQL. A topic that would give an empty name (only separators, with an empty
 * replacement) fails the record with a {@link DataException} rather than reaching a table named "".
 *
 * <p>Unlike the other transforms of this package there is no {@code Key}/{@code Value} pair: the topic belongs to
 * the record as a whole, not to its key or its value. For the same reason a tombstone is routed too, so that the
 * delete reaches the table that holds the row; key, value, schemas, partition and timestamp are left as they are.
 */
public class TopicToTable<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    public static final String OVERVIEW_DOC = "Renames the topic of each record to a table name made of letters, "
            + "digits and underscores, optionally without a common topic prefix.";

    static final String GROUP = "Table name";

    /** The characters a table name keeps; every other character is replaced. */
    private static final String TABLE_CHARS = "[A-Za-z0-9_]";

    public static final String PREFIX_STRIP_CONFIG = "prefix.strip";
    private static final String PREFIX_STRIP_DOC = "A prefix to remove from the start of the topic name, such as "
            + "'segmentation.metrics.'. Topics without it keep their whole name; empty removes nothing.";
    public static final String PREFIX_STRIP_DEFAULT = "";

    public static final String SEPARATOR_REPLACEMENT_CONFIG = "separator.replacement";
    private static final String SEPARATOR_REPLACEMENT_DOC = "What replaces each '.', '-' and any other character "
            + "outside " + TABLE_CHARS + " in the topic name. Empty removes them.";
    public static final String SEPARATOR_REPLACEMENT_DEFAULT = "_";

    public static final String CASE_CONFIG = "case";
    private static final String CASE_DOC = "Case of the table name: 'lower', 'upper', or 'preserve' to keep the "
            + "topic's own.";
    public static final String CASE_LOWER = "lower";
    public static final String CASE_UPPER = "upper";
    public static final String CASE_PRESERVE = "preserve";
    public static final String CASE_DEFAULT = CASE_LOWER;

    public static final String TABLE_PREFIX_CONFIG = "table.prefix";
    private static final String TABLE_PREFIX_DOC = "A prefix to put in front of every table name, such as 'agg_'. "
            + "The case setting applies to it too.";
    public static final String TABLE_PREFIX_DEFAULT = "";

    /** The configuration definition, also the source of the generated documentation. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            // Topic names only ever contain these characters, so a prefix with any other could never match.
            .define(PREFIX_STRIP_CONFIG, Type.STRING, PREFIX_STRIP_DEFAULT, Validators.onlyChars("[A-Za-z0-9._-]"),
                    Importance.HIGH, PREFIX_STRIP_DOC, GROUP, 1, Width.MEDIUM, "Topic prefix to remove")
            .define(SEPARATOR_REPLACEMENT_CONFIG, Type.STRING, SEPARATOR_REPLACEMENT_DEFAULT,
                    Validators.onlyChars(TABLE_CHARS), Importance.LOW, SEPARATOR_REPLACEMENT_DOC, GROUP, 2,
                    Width.SHORT, "Separator replacement")
            .define(CASE_CONFIG, Type.STRING, CASE_DEFAULT, ConfigDef.ValidString.in(CASE_LOWER, CASE_UPPER,
                    CASE_PRESERVE), Importance.MEDIUM, CASE_DOC, GROUP, 3, Width.SHORT, "Case")
            .define(TABLE_PREFIX_CONFIG, Type.STRING, TABLE_PREFIX_DEFAULT, Validators.onlyChars(TABLE_CHARS),
                    Importance.MEDIUM, TABLE_PREFIX_DOC, GROUP, 4, Width.MEDIUM, "Table prefix");

    private String prefixStrip;
    private String separatorReplacement;
    private String letterCase;
    private String tablePrefix;

    @Override
    public void configure(Map<String, ?> props) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, props, false);
        prefixStrip = config.getString(PREFIX_STRIP_CONFIG);
        separatorReplacement = config.getString(SEPARATOR_REPLACEMENT_CONFIG);
        letterCase = config.getString(CASE_CONFIG);
        tablePrefix = config.getString(TABLE_PREFIX_CONFIG);
    }

    @Override
    public R apply(R record) {
        return record.newRecord(tableName(record.topic()), record.kafkaPartition(), record.keySchema(), record.key(),
                record.valueSchema(), record.value(), record.timestamp());
    }

    /** The table name for {@code topic}, as described on the class. */
    public String tableName(String topic) {
        String name = topic.startsWith(prefixStrip) && topic.length() > prefixStrip.length()
                ? topic.substring(prefixStrip.length())
                : topic;
        StringBuilder table = new StringBuilder(tablePrefix);
        // By code point, so a character outside the BMP is replaced once rather than once per UTF-16 half.
        name.codePoints().forEach(c -> {
            if (isTableChar(c)) {
                table.appendCodePoint(c);
            } else {
                table.append(separatorReplacement);
            }
        });
        if (table.isEmpty()) {
            throw new DataException("Topic '" + topic + "' leaves an empty table name once its separators are "
                    + "replaced by '" + separatorReplacement + "'");
        }
        return switch (letterCase) {
            case CASE_UPPER -> table.toString().toUpperCase(Locale.ROOT);
            case CASE_PRESERVE -> table.toString();
            default -> table.toString().toLowerCase(Locale.ROOT);
        };
    }

    private static boolean isTableChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public String version() {
        return BundleVersion.get();
    }

    @Override
    public void close() {
    }
}
