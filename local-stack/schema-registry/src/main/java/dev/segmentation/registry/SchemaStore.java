package dev.segmentation.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Subjects, versions, ids and compatibility levels, rebuilt from the store log and changed only through it.
 *
 * <p>Records use the key and value layout of Confluent's own {@code _schemas} topic: a JSON key with a
 * {@code keytype} of {@code SCHEMA} or {@code CONFIG}. A schema's identity is its parsed form printed back
 * ({@link Schema#toString()}), so whitespace does not matter but defaults and docs do; identical schemas share
 * one global id across subjects.
 *
 * <p>There must be one registry process per topic: ids are assigned by this single writer.
 */
final class SchemaStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One version of a subject. */
    record SubjectVersion(String subject, int version, int id, String schema, boolean deleted) {
    }

    private final Object writeLock = new Object();
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, NavigableMap<Integer, SubjectVersion>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private KafkaStoreLog log;

    SchemaStore(CompatibilityLevel defaultLevel) {
        this.globalLevel = defaultLevel;
    }

    /** Connects the store to its log; all writes go there first. */
    void attach(KafkaStoreLog storeLog) {
        this.log = storeLog;
    }

    // ---- reads ----

    synchronized List<String> subjects() {
        return subjects.entrySet().stream()
                .filter(entry -> entry.getValue().values().stream().anyMatch(version -> !version.deleted()))
                .map(Map.Entry::getKey).toList();
    }

    synchronized List<Integer> versions(String subject) {
        return requireLiveVersions(subject).stream().map(SubjectVersion::version).toList();
    }

    synchronized SubjectVersion version(String subject, String versionId) {
        List<SubjectVersion> live = requireLiveVersions(subject);
        if ("latest".equals(versionId) || "-1".equals(versionId)) {
            return live.get(live.size() - 1);
        }
        int number = parseVersion(versionId);
        return live.stream().filter(version -> version.version() == number).findFirst()
                .orElseThrow(() -> new RegistryException(RegistryException.VERSION_NOT_FOUND,
                        "Version " + number + " not found."));
    }

    synchronized String schemaById(int id) {
        String schema = schemasById.get(id);
        if (schema == null) {
            throw new RegistryException(RegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return schema;
    }

    synchronized List<SubjectVersion> versionsOfId(int id) {
        schemaById(id);
        List<SubjectVersion> result = new ArrayList<>();
        subjects.values().forEach(versions -> versions.values().stream()
                .filter(version -> version.id() == id && !version.deleted()).forEach(result::add));
        return result;
    }

    /** The live version of the subject holding this schema, if any. */
    synchronized Optional<SubjectVersion> lookup(String subject, String schemaText) {
        String canonical = canonical(schemaText);
        return requireLiveVersions(subject).stream().filter(version -> version.schema().equals(canonical)).findFirst();
    }

    synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    synchronized CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    /** Why the schema may not be registered under the subject now; empty when it may. */
    synchronized List<String> compatibilityViolations(String subject, String schemaText, Optional<String> againstVersion) {
        Schema candidate = parse(schemaText);
        List<SubjectVersion> existing = liveVersions(subject);
        if (againstVersion.isPresent()) {
            existing = List.of(version(subject, againstVersion.get()));
        }
        List<Schema> previous = existing.stream().map(version -> parse(version.schema())).toList();
        return effectiveLevel(subject).violations(candidate, previous);
    }

    // ---- writes ----

    /** Registers the schema under the subject, or finds it there; returns its global id. */
    int register(String subject, String schemaText) {
        String canonical = canonical(schemaText);
        synchronized (writeLock) {
            Optional<SubjectVersion> existing = liveVersionHolding(subject, canonical);
            if (existing.isPresent()) {
                return existing.get().id();
            }
            List<String> violations = compatibilityViolations(subject, canonical, Optional.empty());
            if (!violations.isEmpty()) {
                throw new RegistryException(RegistryException.INCOMPATIBLE, "Schema being registered is incompatible "
                        + "with an earlier schema for subject \"" + subject + "\", details: " + violations);
            }
            int id;
            int version;
            synchronized (this) {
                id = idsBySchema.getOrDefault(canonical,
                        schemasById.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1);
                NavigableMap<Integer, SubjectVersion> versions = subjects.get(subject);
                version = versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
            }
            writeSchema(new SubjectVersion(subject, version, id, canonical, false));
            return id;
        }
    }

    /** Soft-deletes one version (or all, for a null version); returns the deleted version numbers. */
    List<Integer> delete(String subject, String versionId) {
        synchronized (writeLock) {
            List<SubjectVersion> doomed;
            synchronized (this) {
                doomed = versionId == null ? requireLiveVersions(subject) : List.of(version(subject, versionId));
            }
            doomed.forEach(version -> writeSchema(new SubjectVersion(version.subject(), version.version(),
                    version.id(), version.schema(), true)));
            return doomed.stream().map(SubjectVersion::version).toList();
        }
    }

    void setLevel(String subject, CompatibilityLevel level) {
        ObjectNode value = JSON.createObjectNode().put("compatibilityLevel", level.name());
        log.append(configKey(subject), value.toString());
    }

    void deleteLevel(String subject) {
        log.append(configKey(subject), null);
    }

    private void writeSchema(SubjectVersion version) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", version.subject())
                .put("version", version.version()).put("magic", 1);
        ObjectNode value = JSON.createObjectNode().put("subject", version.subject()).put("version", version.version())
                .put("id", version.id()).put("schema", version.schema()).put("deleted", version.deleted());
        log.append(key.toString(), value.toString());
    }

    private static String configKey(String subject) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("magic", 0);
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        return key.toString();
    }

    // ---- applying the log ----

    /** Applies one record of the store log; called by the log's reader thread, in order. */
    synchronized void apply(String keyJson, String valueJson) {
        JsonNode key = readJson(keyJson);
        switch (key.path("keytype").asText()) {
            case "SCHEMA" -> {
                if (valueJson == null) {
                    NavigableMap<Integer, SubjectVersion> versions = subjects.get(key.path("subject").asText());
                    if (versions != null) {
                        versions.remove(key.path("version").asInt());
                    }
                    return;
                }
                JsonNode value = readJson(valueJson);
                SubjectVersion version = new SubjectVersion(value.path("subject").asText(), value.path("version").asInt(),
                        value.path("id").asInt(), value.path("schema").asText(), value.path("deleted").asBoolean());
                subjects.computeIfAbsent(version.subject(), ignored -> new TreeMap<>()).put(version.version(), version);
                schemasById.putIfAbsent(version.id(), version.schema());
                idsBySchema.putIfAbsent(version.schema(), version.id());
            }
            case "CONFIG" -> {
                String subject = key.path("subject").isNull() ? null : key.path("subject").asText();
                CompatibilityLevel level = valueJson == null ? null
                        : CompatibilityLevel.parse(readJson(valueJson).path("compatibilityLevel").asText());
                if (subject == null) {
                    if (level != null) {
                        globalLevel = level;
                    }
                } else if (level == null) {
                    subjectLevels.remove(subject);
                } else {
                    subjectLevels.put(subject, level);
                }
            }
            default -> {
                // Records of kinds this registry does not use (e.g. Confluent's NOOP or MODE) are skipped.
            }
        }
    }

    // ---- helpers ----

    private synchronized Optional<SubjectVersion> liveVersionHolding(String subject, String canonical) {
        return liveVersions(subject).stream().filter(version -> version.schema().equals(canonical)).findFirst();
    }

    private List<SubjectVersion> liveVersions(String subject) {
        NavigableMap<Integer, SubjectVersion> versions = subjects.get(subject);
        return versions == null ? List.of()
                : versions.values().stream().filter(version -> !version.deleted()).toList();
    }

    private List<SubjectVersion> requireLiveVersions(String subject) {
        List<SubjectVersion> live = liveVersions(subject);
        if (live.isEmpty()) {
            throw new RegistryException(RegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
        }
        return live;
    }

    private static int parseVersion(String versionId) {
        try {
            int number = Integer.parseInt(versionId);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new RegistryException(RegistryException.INVALID_VERSION, "The specified version '" + versionId
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static Schema parse(String schemaText) {
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (SchemaParseException | NullPointerException e) {
            throw new RegistryException(RegistryException.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
        }
    }

    static String canonical(String schemaText) {
        return parse(schemaText).toString();
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable record in the schema topic: " + text, e);
        }
    }
}
