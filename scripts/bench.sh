#!/usr/bin/env bash
# make bench: measures the platform with wrk against its own database with
# demo data, next to nginx serving the same lesson bytes as a static file.
# Prints requests/s, p50 and p99 per page and its share of nginx serving
# the same bytes (uncompressed, and gzip-compressed through gzip_static),
# the machine's core count and the server's peak resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-20s}
CONNS=${BENCH_CONNECTIONS:-16}
# By default the scale of a region: 100,000 learners in 300 organisations, a
# tenth of them (10,000) in the demo organisation the manager reads, the
# rest spread over 299 others. BENCH_LEARNERS=10000 BENCH_ORGANISATIONS=1
# seeds one organisation only, faster.
LEARNERS=${BENCH_LEARNERS:-100000}
ORGANISATIONS=${BENCH_ORGANISATIONS:-300}
CORES=$(nproc)
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
bare_pid=""
nginx_started=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
	[ -n "$bare_pid" ] && kill "$bare_pid" 2>/dev/null || true
	[ -n "$nginx_started" ] && "$NGINX" -c "$work/nginx.conf" -p "$work" -s stop 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

BARE_PORT=$((APP_PORT + 3))
for port in "$APP_PORT" "$NGINX_PORT" "$((APP_PORT + 2))" "$BARE_PORT"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		echo "bench: port $port is in use; stop what listens there or set BENCH_PORT" >&2
		exit 1
	fi
done

# A database of its own, made afresh.
admin_url=$(echo "$base" | sed -E 's#/[^/?]*(\?|$)#/postgres\1#')
bench_url=$(echo "$base" | sed -E 's#/[^/?]*(\?|$)#/nabij_bench\1#')
psql "$admin_url" -qc 'DROP DATABASE IF EXISTS nabij_bench WITH (FORCE)' -c 'CREATE DATABASE nabij_bench' >/dev/null

go build -trimpath -o "$work/nabij" ./cmd/nabij
go build -trimpath -o "$work/bareserve" ./scripts/bareserve
export DATABASE_URL="$bench_url" LOG_LEVEL=${BENCH_LOG_LEVEL:-warn} PORT=$APP_PORT BASE_URL="http://127.0.0.1:$APP_PORT"
export METRICS_ADDR=${BENCH_METRICS_ADDR:-127.0.0.1:0} # not the default port: another server may hold it
PPROF_PORT=$((APP_PORT + 2))
export PPROF_ADDR=127.0.0.1:$PPROF_PORT # to say, measured, what limits a page that falls short
"$work/nabij" migrate >/dev/null
"$work/nabij" import >/dev/null
echo "seeding demo data with $LEARNERS learners in $ORGANISATIONS organisation(s)…" >&2
seed_start=$(date +%s)
"$work/nabij" demo --learners "$LEARNERS" --organisations "$ORGANISATIONS" >"$work/demo.txt"
seed_seconds=$(($(date +%s) - seed_start))
org_learners=$(psql "$bench_url" -Atc "SELECT count(*) FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE o.name = 'OCMW Demodorp'")

"$work/nabij" serve 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$APP_PORT/readyz" >/dev/null && break; sleep 0.2; done
if ! curl -fs "http://127.0.0.1:$APP_PORT/readyz" >/dev/null || ! kill -0 "$server_pid" 2>/dev/null; then
	echo "bench: the server did not start:" >&2
	tail -20 "$work/server.log" >&2
	exit 1
fi

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

# One session per connection, of the demo learners in turn (each has a
# dashboard of their own): the Lua script hands each request a cookie,
# round-robin over CONNS sessions.
mapfile -t learner_emails < <(awk '$1 == "learner" {print $2}' "$work/demo.txt")
: >"$work/cookies.txt"
for i in $(seq "$CONNS"); do
	login "${learner_emails[$(((i - 1) % ${#learner_emails[@]}))]}" "$learner_pw" >>"$work/cookies.txt"
done
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
	-- wrk.format does not add the -H headers to a table of its own.
	local h = {}
	for k, v in pairs(wrk.headers) do h[k] = v end
	h["Cookie"] = c
	return wrk.format("GET", nil, h)
end
LUA
cat >"$work/report.lua" <<'LUA'
function done(summary, latency, requests)
	io.write(string.format("RESULT %.0f %.2f %.2f %d %d %d\n",
		summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(99) / 1000,
		summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
		summary.bytes / math.max(summary.requests, 1), summary.requests))
end
LUA
cat "$work/sessions.lua" "$work/report.lua" >"$work/sessions_report.lua"

# The static reference: the exact bytes of the guest lesson page from nginx.
mkdir -p "$work/www" "$work/logs"
curl -fs "$app$lesson_path" >"$work/www/lesson.html"
# The same page as the server compresses it, for nginx's gzip_static.
mkdir -p "$work/www/gz"
cp "$work/www/lesson.html" "$work/www/gz/lesson.html"
curl -fs -H 'Accept-Encoding: gzip' "$app$lesson_path" >"$work/www/gz/lesson.html.gz"
gzip -t "$work/www/gz/lesson.html.gz" || { echo "bench: the server did not answer gzip" >&2; exit 1; }
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
		location /gz/ { gzip_static on; gzip_vary on; }
	}
}
CONF
"$NGINX" -c "$work/nginx.conf" -p "$work"
nginx_started=1
# The same bytes from Go's net/http with no handler at all: what net/http
# itself costs here, the ceiling for any Go page.
"$work/bareserve" -addr "127.0.0.1:$BARE_PORT" -file "$work/www/lesson.html" 2>"$work/bare.log" &
bare_pid=$!
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$BARE_PORT/" && break; sleep 0.1; done

# run NAME URL [cookie|sessions] — with GZIP=1 the requests accept gzip.
# Besides wrk's figures it records the CPU time the serving process(es)
# spent per request, read from /proc before and after.
results=()
declare -A urls modes gzips
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { # cpu_ticks PID... — user + system time in clock ticks
	local t=0 p f
	for p in "$@"; do
		read -r -a f <"/proc/$p/stat" || continue
		t=$((t + f[13] + f[14]))
	done
	echo "$t"
}
serving_pids() { # serving_pids URL — the server, bareserve, or nginx's master and workers
	if [[ $1 == *":$BARE_PORT/"* ]]; then
		echo "$bare_pid"
	elif [[ $1 == *":$NGINX_PORT/"* ]]; then
		local master
		master=$(cat "$work/nginx.pid")
		echo "$master" $(pgrep -P "$master")
	else
		echo "$server_pid"
	fi
}
run() {
	local name=$1 url=$2 mode=${3:-}
	local threads=2
	[ "$CONNS" -lt 2 ] && threads=1
	local args=(-t"$threads" -c"$CONNS" -d"$DURATION" --timeout 5s)
	[ "${GZIP:-}" = 1 ] && args+=(-H 'Accept-Encoding: gzip')
	case "$mode" in
	sessions) args+=(-s "$work/sessions_report.lua") ;;
	"") args+=(-s "$work/report.lua") ;;
	*) args+=(-s "$work/report.lua" -H "Cookie: $mode") ;;
	esac
	urls[$name]=$url modes[$name]=$mode gzips[$name]=${GZIP:-0}
	local out pids before after
	pids=$(serving_pids "$url")
	(while sleep 1; do sample_rss_file; done) &
	local sampler=$!
	before=$(cpu_ticks $pids)
	out=$(COOKIES="$work/cookies.txt" wrk "${args[@]}" "$url" | grep '^RESULT' || true)
	after=$(cpu_ticks $pids)
	kill $sampler 2>/dev/null || true
	local requests cpu_us
	requests=$(echo "$out" | awk '{print $7}')
	cpu_us=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="${requests:-0}" 'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else print "?" }')
	results+=("$name|${GZIP:-0}|${out#RESULT } $cpu_us")
}
sample_rss_file() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status" >>"$work/rss.txt" 2>/dev/null || true; }

echo "measuring ${DURATION} per page at $CONNS connections…" >&2
run "static reference (nginx)" "http://127.0.0.1:$NGINX_PORT/lesson.html"
GZIP=1 run "static gzip reference (nginx gzip_static)" "http://127.0.0.1:$NGINX_PORT/gz/lesson.html"
run "same bytes, bare Go net/http (no handler)" "http://127.0.0.1:$BARE_PORT/"
run "lesson page, guest" "$app$lesson_path"
GZIP=1 run "lesson page, guest, gzip" "$app$lesson_path"
run "lesson page, logged in" "$app$lesson_path" sessions
run "module overview" "$app/modules/online-informeren"
run "learner dashboard" "$app/mijn-leertraject" sessions
GZIP=1 run "lesson page, logged in, gzip" "$app$lesson_path" sessions
run "manager dashboard ($org_learners people)" "$app/rapport" "$manager_cookie"
GZIP=1 run "learner dashboard, gzip" "$app/mijn-leertraject" sessions
GZIP=1 run "manager dashboard, gzip" "$app/rapport" "$manager_cookie"
# One request alone: one connection, one request after the other.
CONNS=1 run "manager dashboard, one connection" "$app/rapport" "$manager_cookie"
CONNS=1 run "matrix first page, one connection" "$app/rapport/mensen" "$manager_cookie"
if [ -n "$cert_path" ]; then
	run "certificate download" "$app$cert_path" "$(head -1 "$work/cookies.txt")" # the first learner's
fi
peak_rss=$(sort -n "$work/rss.txt" 2>/dev/null | tail -1)

# The full CSV export of the large organisation, five times, one at a time.
csv_times=()
for _ in 1 2 3 4 5; do
	csv_times+=("$(curl -fs -o "$work/export.csv" -w '%{time_total}' -H "Cookie: $manager_cookie" "$app/rapport/export.csv")")
done
csv_ms=$(printf '%s\n' "${csv_times[@]}" | sort -n | awk '{a[NR] = $1} END {printf "%.0f", a[int((NR + 1) / 2)] * 1000}')
csv_rows=$(($(wc -l <"$work/export.csv") - 1))

static_rps=$(echo "${results[0]}" | cut -d'|' -f3 | awk '{print $1}')
gzip_rps=$(echo "${results[1]}" | cut -d'|' -f3 | awk '{print $1}')
echo
echo "$CORES CPU cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); wrk -t2 -c$CONNS -d$DURATION per page;"
echo "$(psql "$bench_url" -Atc 'SELECT count(*) FROM users') people in $(psql "$bench_url" -Atc 'SELECT count(*) FROM organisations') organisations (seeded in ${seed_seconds}s)"
printf '\n%-44s %10s %9s %9s %8s %8s %9s %10s\n' "page" "req/s" "p50 ms" "p99 ms" "errors" "bytes" "of nginx" "CPU us/req"
declare -A share p99s p50s
for r in "${results[@]}"; do
	name=${r%%|*}
	rest=${r#*|}
	gz=${rest%%|*}
	read -r rps p50 p99 errs bytes _ cpu <<<"${rest#*|}"
	ref=$static_rps
	[ "$gz" = 1 ] && ref=$gzip_rps
	ratio=$(awk -v a="${rps:-0}" -v b="${ref:-1}" 'BEGIN { printf "%.2f", a / b }')
	share[$name]=$ratio
	p99s[$name]=${p99:-999}
	p50s[$name]=${p50:-999}
	printf '%-44s %10s %9s %9s %8s %8s %9s %10s\n' "$name" "${rps:-?}" "${p50:-?}" "${p99:-?}" "${errs:-?}" "${bytes:-?}" "$ratio" "${cpu:-?}"
done
echo "(share of nginx: of the plain reference; for gzip rows, of nginx's gzip_static of the same compressed bytes;"
echo " CPU us/req: CPU time the server, or nginx, spent per request; wrk runs on the same cores)"
lesson_bytes=$(wc -c <"$work/www/lesson.html")
peak_mb=$((${peak_rss:-0} / 1024))
echo
echo "lesson page HTML: $lesson_bytes bytes; server peak resident memory: $peak_mb MB"

# The targets of the performance issue, checked against this run. A page
# that falls short is profiled afterwards (below).
short=()
check() { # check LABEL OK [PAGE]
	if [ "$2" = 1 ]; then
		echo "  met      $1"
	else
		echo "  NOT MET  $1"
		[ -n "${3:-}" ] && short+=("$3")
	fi
	return 0
}
at_least() { awk -v a="${1:-0}" -v b="$2" 'BEGIN { print (a >= b) }'; }
at_most() { awk -v a="${1:-999}" -v b="$2" 'BEGIN { print (a <= b) }'; }
manager="manager dashboard ($org_learners people)"
echo
echo "targets ($CORES cores):"
for page in "lesson page, guest" "lesson page, logged in"; do
	check "$page >= 0.6 of nginx (got ${share[$page]})" "$(at_least "${share[$page]}" 0.6)" "$page"
	check "$page p99 <= 10 ms (got ${p99s[$page]} ms)" "$(at_most "${p99s[$page]}" 10)" "$page"
done
for page in "learner dashboard" "learner dashboard, gzip"; do
	check "$page >= 0.3 of nginx (got ${share[$page]})" "$(at_least "${share[$page]}" 0.3)" "$page"
done
for page in "$manager" "manager dashboard, gzip"; do
	check "$page >= 0.1 of nginx (got ${share[$page]})" "$(at_least "${share[$page]}" 0.1)" "$page"
	check "$page p99 <= 20 ms (got ${p99s[$page]} ms)" "$(at_most "${p99s[$page]}" 20)" "$page"
done
one="manager dashboard, one connection"
check "$one: one request <= 2 ms (got p50 ${p50s[$one]} ms, p99 ${p99s[$one]} ms, client included)" "$(at_most "${p50s[$one]}" 2)" "$one"
one="matrix first page, one connection"
check "$one: one request <= 20 ms (got p50 ${p50s[$one]} ms, p99 ${p99s[$one]} ms)" "$(at_most "${p50s[$one]}" 20)" "$one"
check "CSV of all $csv_rows people < 1 s (got a median of $csv_ms ms over 5 downloads)" "$([ "$csv_ms" -lt 1000 ] && echo 1 || echo 0)"
for page in "lesson page, guest, gzip" "lesson page, logged in, gzip"; do
	check "$page >= 0.6 of nginx gzip_static (got ${share[$page]})" "$(at_least "${share[$page]}" 0.6)" "$page"
done
check "server resident memory < 80 MB (peak $peak_mb MB)" "$([ "$peak_mb" -lt 80 ] && echo 1 || echo 0)"
[ -z "$cert_path" ] && echo "(no certificate for the demo learner: certificate download not measured)"

# The plans of the report queries for the large organisation: their cost
# and the buffers they read (scripts/plans.sh prints the plans whole).
echo
echo "report queries of the demo organisation (EXPLAIN ANALYZE; scripts/plans.sh for the plans):"
"$work/nabij" explain-reports "OCMW Demodorp" 2>&1 | awk '
	/^=== / { sub(/^=== /, ""); name = $0 }
	/^Execution Time:/ && name != "" { printf "  %-90s %s ms\n", name, $3; name = "" }'

# What limits each page that falls short: a CPU profile of the server
# while wrk asks for that page again, summed into where the time goes.
# Shares are of the server's CPU time; "cores" is how much of the machine
# the server used (wrk has the rest).
if [ ${#short[@]} -gt 0 ]; then
	echo
	echo "what limits the pages that fall short (pprof, ${PROFILE_SECONDS:-5} s of CPU profile each):"
	declare -A profiled
	for page in "${short[@]}"; do
		[ -n "${profiled[$page]:-}" ] && continue
		profiled[$page]=1
		prof="$work/profile.$RANDOM"
		curl -fs -o "$prof" "http://127.0.0.1:$PPROF_PORT/debug/pprof/profile?seconds=${PROFILE_SECONDS:-5}" &
		fetch=$!
		DURATION=$((${PROFILE_SECONDS:-5} + 1))s GZIP=${gzips[$page]} run "$page (profiled)" "${urls[$page]}" "${modes[$page]}"
		wait "$fetch" || { echo "  $page: no profile"; continue; }
		go tool pprof -top -cum -nodecount=100000 "$work/nabij" "$prof" 2>/dev/null | awk -v page="$page" -v secs="${PROFILE_SECONDS:-5}" '
			/^Duration:/ { for (i = 1; i <= NF; i++) if ($i == "samples") { v = $(i + 2); total = v + 0; if (v ~ /ms$/) total /= 1000 } }
			NF >= 6 && $5 ~ /%$/ {
				name = $6; for (i = 7; i <= NF; i++) name = name " " $i
				cum = $5 + 0; flat = $2 + 0
				if (name == "internal/runtime/syscall/linux.Syscall6") sys = flat
				if (name == "runtime.gcBgMarkWorker") gc = cum
				if (name == "net/http.(*conn).readRequest") parse = cum
				if (name == "github.com/gin-gonic/gin.(*Engine).handleHTTPRequest") chain = cum
				if (name ~ /^database\/sql\.\(\*DB\)\.(Query|Exec|Begin)/ && cum > db) db = cum
				if (name == "html/template.(*Template).Execute") tmpl = cum
				if (name ~ /compress\/flate\.\(\*compressor\)\.write|klauspost\/compress\/flate\.\(\*Writer\)\.Write/ && cum > zip) zip = cum
			}
			END {
				printf "  %s: server busy %.2f cores; system calls (socket reads and writes) %.0f%%, garbage collection %.0f%%, reading requests %.0f%%, handlers and middleware %.0f%% (templates %.0f%%, database %.0f%%, compression %.0f%%)\n",
					page, total / secs, sys, gc, parse, chain, tmpl, db, zip
			}'
	done
fi
exit 0
