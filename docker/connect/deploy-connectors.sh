#!/bin/sh
# Deploys connector-configs/<name>.json for each name in $CONNECTORS through the Connect REST API, as
# `./pipeline deploy` does: a sink's dead-letter topic is created first without a time limit (Connect would create it
# with the broker's default retention, which deletes backfilled records at once), then PUT /connectors/<name>/config,
# then a wait until the connector and its tasks are RUNNING.
set -eu
: "${CONNECT_URL:?}" "${KAFKA_BOOTSTRAP_SERVERS:?}" "${CONNECTORS:?}"
CONFIGS=${CONNECTOR_CONFIGS:-/connector-configs}

for name in $CONNECTORS; do
  file="$CONFIGS/$name.json"
  [ -f "$file" ] || { echo "No connector config $file" >&2; exit 1; }
  dlq=$(grep -o '"errors.deadletterqueue.topic.name": *"[^"]*"' "$file" | sed 's/.*: *"\(.*\)"/\1/' || true)
  if [ -n "$dlq" ]; then
    kafka-topics --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --create --if-not-exists --topic "$dlq" \
      --partitions 1 --replication-factor 1 --config retention.ms=-1
  fi
  echo "Deploying $name"
  curl -fsS -X PUT -H 'Content-Type: application/json' --data "@$file" "$CONNECT_URL/connectors/$name/config" >/dev/null
  tries=0
  until curl -fsS "$CONNECT_URL/connectors/$name/status" | grep -q '"state":"RUNNING".*"tasks":\[{.*"state":"RUNNING"'; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      echo "$name is not RUNNING after 120 s:" >&2
      curl -sS "$CONNECT_URL/connectors/$name/status" >&2
      exit 1
    fi
    sleep 2
  done
  echo "$name is RUNNING"
done
