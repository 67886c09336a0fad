#!/bin/sh
# Applies ksql/migrations to a ksqlDB server with ksql-migrations. ksql-migrations.properties names the server by
# ${KSQL_SERVER_URL} and the like; this substitutes the environment into a copy of the project (the tool reads the
# migrations beside its config file) and adds basic-auth credentials when KSQL_USERNAME is set.
#
#   KSQL_SERVER_URL=http://127.0.0.1:8088 docker/ksqldb/apply-migrations.sh ksql
#
# The event streams need their topics: it waits until the simulator has created all six.
set -eu
project=${1:?usage: apply-migrations.sh <ksql project directory>}
: "${KSQL_SERVER_URL:?}"
export KSQL_MIGRATIONS_TOPIC_REPLICAS="${KSQL_MIGRATIONS_TOPIC_REPLICAS:-1}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$project/migrations" "$work/"
while IFS= read -r line; do
  for name in KSQL_SERVER_URL KSQL_MIGRATIONS_TOPIC_REPLICAS; do
    eval "value=\${$name}"
    line=$(printf '%s' "$line" | sed "s|\${$name}|$value|g")
  done
  printf '%s\n' "$line"
done < "$project/ksql-migrations.properties" > "$work/ksql-migrations.properties"
if [ -n "${KSQL_USERNAME:-}" ]; then
  printf 'ksql.auth.basic.username=%s\nksql.auth.basic.password=%s\n' "$KSQL_USERNAME" "${KSQL_PASSWORD:-}" \
    >> "$work/ksql-migrations.properties"
fi

tries=0
for topic in user_registration sign_in sign_out item_view add_to_cart check_out; do
  until curl -fsS -X POST -H 'Content-Type: application/vnd.ksql.v1+json' \
      --data '{"ksql": "SHOW TOPICS;"}' "$KSQL_SERVER_URL/ksql" | grep -q "\"name\":\"$topic\""; do
    tries=$((tries + 1))
    if [ "$tries" -ge 150 ]; then
      echo "Topic $topic does not exist after 5 minutes: is the simulator deployed?" >&2
      exit 1
    fi
    sleep 2
  done
done

config="$work/ksql-migrations.properties"
# initialize-metadata fails when the metadata stream exists already, as on every start after the first
ksql-migrations --config-file "$config" initialize-metadata || echo "Migration metadata exists already"
ksql-migrations --config-file "$config" apply --all
ksql-migrations --config-file "$config" info
