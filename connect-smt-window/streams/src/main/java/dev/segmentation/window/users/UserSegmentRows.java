package dev.segmentation.window.users;

import java.nio.charset.StandardCharsets;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.utils.Bytes;

import dev.segmentation.window.Segment;
import dev.segmentation.window.UserSegmentSchemas;

/** Turns a user's state into a user segment row, when the row would say something new. */
final class UserSegmentRows {

    private final UserSegmentRules rules;

    UserSegmentRows(UserSegmentRules rules) {
        this.rules = rules;
    }

    /** The row for the user at event time {@code nowMs}, or null when it equals the last one written. */
    UserSegmentUpdate changed(Bytes userKey, UserState user, long nowMs) {
        Lifecycle lifecycle = rules.lifecycle(user, nowMs);
        ValueSegment value = rules.value(user, nowMs);
        boolean segmentKnown = user.registeredBy(nowMs);
        if (lifecycle.ordinal() == user.emittedLifecycle && value.ordinal() == user.emittedValue
                && user.checkOuts == user.emittedCheckOuts && segmentKnown == user.emittedSegmentKnown) {
            return null;
        }
        user.emittedLifecycle = lifecycle.ordinal();
        user.emittedValue = value.ordinal();
        user.emittedCheckOuts = user.checkOuts;
        user.emittedSegmentKnown = segmentKnown;

        String userId = new String(userKey.get(), StandardCharsets.UTF_8);
        Segment segment = segmentKnown ? Segment.fromBytes(user.segmentKey) : Segment.UNKNOWN;
        GenericRecord key = new GenericData.Record(UserSegmentSchemas.KEY);
        key.put("user_id", userId);
        GenericRecord row = new GenericData.Record(UserSegmentSchemas.VALUE);
        row.put("user_id", userId);
        row.put("age_band", segment.ageBand());
        row.put("preferred_language", segment.preferredLanguage());
        row.put("email_domain", segment.emailDomain());
        row.put("lifecycle_segment", lifecycle.label());
        row.put("value_segment", value.label());
        row.put("registered_at", segmentKnown ? user.registeredAt : null);
        row.put("check_outs", user.checkOuts);
        row.put("revenue_cents", user.revenueCents);
        row.put("last_check_out_at", user.lastCheckOut == UserState.NONE ? null : user.lastCheckOut);
        row.put("as_of", nowMs);
        return new UserSegmentUpdate(key, row);
    }
}
