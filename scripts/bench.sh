#!/usr/bin/env bash
# make bench: measures the platform with wrk against its own database with
# demo data, next to nginx serving the same lesson bytes as a static file.
# Prints requests/s, p50 and p99 per page and the ratio to the static
# reference, and the server's peak resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-20s}
CONNS=${BENCH_CONNECTIONS:-16}
LEARNERS=${BENCH_LEARNERS:-10000}
APP_PORT=${BENCH_PORT:-18080}
NGINX_PORT=$((APP_PORT + 1))

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
	else
		echo "bench: install ${need[*]}" >&2
		exit 1
	fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

base=${DATABASE_URL:-$(scripts/devdb.sh start)}
work=$(mktemp -d)
chmod 755 "$work" # nginx's workers must read the reference page
server_pid=""
nginx_started=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
	[ -n "$nginx_started" ] && "$NGINX" -c "$work/nginx.conf" -p "$work" -s stop 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# A database of its own, made afresh.
admin_url=$(echo "$base" | sed -E 's#/[^/?]*(\?|$)#/postgres\1#')
bench_url=$(echo "$base" | sed -E 's#/[^/?]*(\?|$)#/nabij_bench\1#')
psql "$admin_url" -qc 'DROP DATABASE IF EXISTS nabij_bench WITH (FORCE)' -c 'CREATE DATABASE nabij_bench' >/dev/null

go build -trimpath -o "$work/nabij" ./cmd/nabij
export DATABASE_URL="$bench_url" LOG_LEVEL=${BENCH_LOG_LEVEL:-warn} PORT=$APP_PORT BASE_URL="http://127.0.0.1:$APP_PORT"
"$work/nabij" migrate >/dev/null
"$work/nabij" import >/dev/null
echo "seeding demo data with $LEARNERS learners…" >&2
"$work/nabij" demo --learners "$LEARNERS" >"$work/demo.txt"

"$work/nabij" serve 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$APP_PORT/readyz" >/dev/null && break; sleep 0.2; done

app="http://127.0.0.1:$APP_PORT"
lesson_path=$(curl -fs "$app/modules/online-informeren" | grep -o 'href="/modules/online-informeren/[a-z0-9-]*"' | head -1 | cut -d'"' -f2)

# login EMAIL PASSWORD prints the session cookie "name=value".
login() {
	local jar="$work/jar.$RANDOM"
	curl -fs -o /dev/null -c "$jar" -d "email=$1" --data-urlencode "wachtwoord=$2" "$app/aanmelden"
	awk '$6 ~ /nabij_session/ {print $6 "=" $7}' "$jar"
}
demo_pw=$(grep -o 'password for all: [^ ]*' "$work/demo.txt" | awk '{print $4}')
creds() { awk -v role="$1" -v pw="$demo_pw" '$1 == role {print $2, pw; exit}' "$work/demo.txt"; }
read -r learner_email learner_pw < <(creds learner)
read -r manager_email manager_pw < <(creds manager)

# One session per connection: the Lua script hands each new connection's
# requests a cookie of its own, round-robin over CONNS sessions.
: >"$work/cookies.txt"
for i in $(seq "$CONNS"); do login "$learner_email" "$learner_pw" >>"$work/cookies.txt"; done
manager_cookie=$(login "$manager_email" "$manager_pw")
cert_path=$(psql "$bench_url" -Atc "SELECT '/certificaten/' || c.code || '.pdf' FROM certificates c JOIN users u ON u.id = c.user_id WHERE lower(u.email) = lower('$learner_email') LIMIT 1")

cat >"$work/sessions.lua" <<'LUA'
local cookies = {}
for line in io.lines(os.getenv("COOKIES")) do cookies[#cookies + 1] = line end
local counter = 0
function setup(thread)
	counter = counter + 1
	thread:set("offset", counter)
end
local n = 0
function request()
	n = n + 1
	local c = cookies[((n + offset * 7) % #cookies) + 1]
	return wrk.format("GET", nil, { Cookie = c })
end
LUA
cat >"$work/report.lua" <<'LUA'
function done(summary, latency, requests)
	io.write(string.format("RESULT %.0f %.2f %.2f %d %d\n",
		summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(99) / 1000,
		summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
		summary.bytes / math.max(summary.requests, 1)))
end
LUA
cat "$work/sessions.lua" "$work/report.lua" >"$work/sessions_report.lua"

# The static reference: the exact bytes of the guest lesson page from nginx.
mkdir -p "$work/www" "$work/logs"
curl -fs "$app$lesson_path" >"$work/www/lesson.html"
cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	default_type text/html;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $work/www;
	}
}
CONF
"$NGINX" -c "$work/nginx.conf" -p "$work"
nginx_started=1

# run NAME URL [cookie|sessions]
results=()
run() {
	local name=$1 url=$2 mode=${3:-}
	local args=(-t2 -c"$CONNS" -d"$DURATION" --timeout 5s)
	case "$mode" in
	sessions) args+=(-s "$work/sessions_report.lua") ;;
	"") args+=(-s "$work/report.lua") ;;
	*) args+=(-s "$work/report.lua" -H "Cookie: $mode") ;;
	esac
	local out
	(while sleep 1; do sample_rss_file; done) &
	local sampler=$!
	out=$(COOKIES="$work/cookies.txt" wrk "${args[@]}" "$url" | grep '^RESULT' || true)
	kill $sampler 2>/dev/null || true
	results+=("$name|${out#RESULT }")
}
sample_rss_file() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status" >>"$work/rss.txt" 2>/dev/null || true; }

echo "measuring ${DURATION} per page at $CONNS connections…" >&2
run "static reference (nginx)" "http://127.0.0.1:$NGINX_PORT/lesson.html"
run "lesson page, guest" "$app$lesson_path"
run "lesson page, logged in" "$app$lesson_path" sessions
run "module overview" "$app/modules/online-informeren"
run "learner dashboard" "$app/mijn-leertraject" sessions
run "manager dashboard ($LEARNERS learners)" "$app/rapport" "$manager_cookie"
if [ -n "$cert_path" ]; then
	run "certificate download" "$app$cert_path" sessions
fi
peak_rss=$(sort -n "$work/rss.txt" 2>/dev/null | tail -1)

static_rps=$(echo "${results[0]}" | cut -d'|' -f2 | awk '{print $1}')
printf '\n%-40s %10s %9s %9s %8s %8s %7s\n' "page" "req/s" "p50 ms" "p99 ms" "errors" "bytes" "ratio"
for r in "${results[@]}"; do
	name=${r%%|*}
	read -r rps p50 p99 errs bytes <<<"${r#*|}"
	ratio=$(awk -v a="${rps:-0}" -v b="${static_rps:-1}" 'BEGIN { printf "%.2f", a / b }')
	printf '%-40s %10s %9s %9s %8s %8s %7s\n' "$name" "${rps:-?}" "${p50:-?}" "${p99:-?}" "${errs:-?}" "${bytes:-?}" "$ratio"
done
lesson_bytes=$(wc -c <"$work/www/lesson.html")
peak_mb=$((${peak_rss:-0} / 1024))
echo
echo "lesson page HTML: $lesson_bytes bytes; server peak resident memory: $peak_mb MB"

# The targets of the performance issue, checked against this run.
logged=$(printf '%s\n' "${results[@]}" | grep '^lesson page, logged in|' | cut -d'|' -f2)
read -r l_rps _ l_p99 _ _ <<<"$logged"
check() { # check LABEL OK
	if [ "$2" = 1 ]; then echo "  met      $1"; else echo "  NOT MET  $1"; fi
}
echo
echo "targets (2-core machine):"
check "logged-in lesson page >= 5000 req/s (got ${l_rps:-?})" "$(awk -v a="${l_rps:-0}" 'BEGIN { print (a >= 5000) }')"
check "logged-in lesson page >= 0.35 of the static reference (got $(awk -v a="${l_rps:-0}" -v b="${static_rps:-1}" 'BEGIN { printf "%.2f", a / b }'))" "$(awk -v a="${l_rps:-0}" -v b="${static_rps:-1}" 'BEGIN { print (a / b >= 0.35) }')"
check "logged-in lesson page p99 < 15 ms (got ${l_p99:-?} ms)" "$(awk -v a="${l_p99:-999}" 'BEGIN { print (a < 15) }')"
check "lesson page HTML < 25 KB (got $lesson_bytes bytes)" "$([ "$lesson_bytes" -lt 25600 ] && echo 1 || echo 0)"
check "server resident memory < 60 MB (peak $peak_mb MB)" "$([ "$peak_mb" -lt 60 ] && echo 1 || echo 0)"
[ -z "$cert_path" ] && echo "(no certificate for the demo learner: certificate download not measured)"
exit 0
