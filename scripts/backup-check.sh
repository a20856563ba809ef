#!/usr/bin/env bash
# make backup-check: proves that a backup restores into a working platform.
# It seeds a database (curriculum, demo accounts, BACKUP_LEARNERS learners
# with progress), backs it up with pg_dump, restores the dump into a fresh
# database, starts the platform on the copy and checks that people,
# progress and certificates are all there: row by row in the database, and
# through the platform itself (certificate codes at /verifieer, a learner's
# dashboard, the manager's CSV of the organisation).
set -euo pipefail
cd "$(dirname "$0")/.."

LEARNERS=${BACKUP_LEARNERS:-500}
PORT=${BACKUP_PORT:-18180}
base=${DATABASE_URL:-$(scripts/devdb.sh start)}
work=$(mktemp -d)
server_pid=""
# Databases of their own, named by this process: two checks may run at once.
src_db=nabij_backup_src_$$
copy_db=nabij_backup_copy_$$
admin_url=$(echo "$base" | sed -E 's#/[^/?]*(\?|$)#/postgres\1#')
src_url=$(echo "$base" | sed -E "s#/[^/?]*(\\?|\$)#/$src_db\\1#")
copy_url=$(echo "$base" | sed -E "s#/[^/?]*(\\?|\$)#/$copy_db\\1#")
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
	psql "$admin_url" -qc "DROP DATABASE IF EXISTS $src_db WITH (FORCE)" -c "DROP DATABASE IF EXISTS $copy_db WITH (FORCE)" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "backup-check: FAILED: $*" >&2; [ -f "$work/server.log" ] && tail -20 "$work/server.log" >&2; exit 1; }

psql "$admin_url" -qc "CREATE DATABASE $src_db" >/dev/null
go build -trimpath -o "$work/nabij" ./cmd/nabij

echo "1. seeding: curriculum, demo accounts, $LEARNERS learners with progress" >&2
DATABASE_URL="$src_url" "$work/nabij" migrate >/dev/null
DATABASE_URL="$src_url" "$work/nabij" import >/dev/null
DATABASE_URL="$src_url" "$work/nabij" demo --learners "$LEARNERS" >"$work/demo.txt"

# fingerprint URL prints, per table that holds people or their work, the
# row count and a digest of its rows in a fixed order.
fingerprint() {
	psql "$1" -At <<'SQL'
SELECT 'users', count(*), md5(coalesce(string_agg(id || '|' || email || '|' || full_name || '|' || role || '|' || coalesce(password_hash, ''), ',' ORDER BY id), '')) FROM users;
SELECT 'organisations', count(*), md5(coalesce(string_agg(id || '|' || name, ',' ORDER BY id), '')) FROM organisations;
SELECT 'team_members', count(*), md5(coalesce(string_agg(team_id || '|' || user_id, ',' ORDER BY team_id, user_id), '')) FROM team_members;
SELECT 'lesson_progress', count(*), md5(coalesce(string_agg(user_id || '|' || lesson_id || '|' || done_at, ',' ORDER BY user_id, lesson_id), '')) FROM lesson_progress;
SELECT 'module_progress', count(*), md5(coalesce(string_agg(user_id || '|' || module_id || '|' || lessons_done || '|' || coalesce(completed_at::text, '-'), ',' ORDER BY user_id, module_id), '')) FROM module_progress;
SELECT 'quiz_attempts', count(*), md5(coalesce(string_agg(id || '|' || user_id || '|' || coalesce(score::text, '-'), ',' ORDER BY id), '')) FROM quiz_attempts;
SELECT 'certificates', count(*), md5(coalesce(string_agg(code || '|' || user_id || '|' || module_id, ',' ORDER BY code), '')) FROM certificates;
SQL
}
fingerprint "$src_url" >"$work/before.txt"
certs=$(awk -F'|' '$1 == "certificates" {print $2}' "$work/before.txt")
[ "${certs:-0}" -ge 1 ] || fail "the seeded database has no certificate to check"

echo "2. backup: pg_dump --format=custom" >&2
pg_dump --format=custom --no-owner --file "$work/nabij.dump" "$src_url"
echo "   $(du -h "$work/nabij.dump" | cut -f1) for $(awk -F'|' '$1 == "users" {print $2}' "$work/before.txt") people" >&2

echo "3. restore: pg_restore into a fresh database" >&2
psql "$admin_url" -qc "CREATE DATABASE $copy_db" >/dev/null
pg_restore --no-owner --exit-on-error --dbname "$copy_url" "$work/nabij.dump"

fingerprint "$copy_url" >"$work/after.txt"
if ! diff -u "$work/before.txt" "$work/after.txt" >&2; then
	fail "the restored database differs from the original"
fi
echo "   every table's rows match: $(paste -sd' ' "$work/after.txt" | sed -E 's/\|[0-9a-f]{32}//g; s/\|/=/g')" >&2

echo "4. the platform on the restored database" >&2
DATABASE_URL="$copy_url" PORT=$PORT BASE_URL="http://127.0.0.1:$PORT" METRICS_ADDR=off MIGRATE_ON_START=false \
	"$work/nabij" serve 2>"$work/server.log" &
server_pid=$!
app="http://127.0.0.1:$PORT"
for _ in $(seq 100); do curl -fs "$app/readyz" >/dev/null && break; sleep 0.2; done
curl -fs "$app/readyz" >/dev/null || fail "the platform did not start on the restored database (with MIGRATE_ON_START=false: the schema must be complete)"

# Certificates: every code verifies, with its holder's name (at most 15:
# verification is throttled per address).
checked=0
while IFS='|' read -r code name; do
	page=$(curl -fs "$app/verifieer/$code") || fail "verifying certificate $code failed"
	grep -qF "$name" <<<"$page" || fail "certificate $code does not show its holder $name"
	checked=$((checked + 1))
done < <(psql "$copy_url" -At -c "SELECT c.code, u.full_name FROM certificates c JOIN users u ON u.id = c.user_id ORDER BY c.issued_at LIMIT 15")
echo "   $checked certificate codes verify with their holder's name" >&2

# login EMAIL prints a cookie jar signed in as EMAIL.
pw=$(grep -o 'password for all: [^ ]*' "$work/demo.txt" | awk '{print $4}')
login() {
	local jar="$work/jar.$1"
	curl -fs -o /dev/null -c "$jar" -H 'Sec-Fetch-Site: same-origin' -d "email=$1" --data-urlencode "wachtwoord=$pw" "$app/aanmelden" || fail "login as $1"
	grep -q nabij_session "$jar" || fail "login as $1 gave no session"
	echo "$jar"
}
learner=$(awk '$1 == "learner" {print $2; exit}' "$work/demo.txt")
manager=$(awk '$1 == "manager" {print $2; exit}' "$work/demo.txt")
jar=$(login "$learner")
done_db=$(psql "$copy_url" -At -c "SELECT count(*) FROM lesson_progress lp JOIN users u ON u.id = lp.user_id WHERE lower(u.email) = lower('$learner')")
dash=$(curl -fs -b "$jar" "$app/mijn-leertraject") || fail "the learner's dashboard"
[ "$done_db" -ge 1 ] || fail "the demo learner has no progress in the copy"
grep -q '/certificaten/' <<<"$dash" || fail "the learner's dashboard does not offer their certificate"
echo "   $learner signs in: dashboard with their progress ($done_db lessons done) and certificate" >&2

jar=$(login "$manager")
people_db=$(psql "$copy_url" -At -c "SELECT count(*) FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE o.name = 'OCMW Demodorp' AND u.deleted_at IS NULL AND u.role IN ('learner', 'manager')")
rows=$(curl -fs -b "$jar" "$app/rapport/export.csv" | tail -n +2 | grep -c .) || fail "the manager's CSV export"
[ "$rows" -ge "$LEARNERS" ] || fail "the manager's CSV lists $rows people, want at least $LEARNERS"
echo "   $manager signs in: the CSV lists $rows people ($people_db learners and managers in the organisation)" >&2
grep -q '"level":"ERROR"' "$work/server.log" && fail "the server logged an error"
echo "backup-check: OK — the restored database serves the same people, progress and certificates" >&2
