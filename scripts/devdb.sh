#!/usr/bin/env bash
# Runs a private PostgreSQL cluster for development and tests.
#
#   scripts/devdb.sh start   start (creating it first if needed); prints DATABASE_URL
#   scripts/devdb.sh stop    stop it
#   scripts/devdb.sh url     print DATABASE_URL of the running cluster
#
# The cluster lives in .data/postgres (git-ignored) and listens only on a Unix
# socket inside that folder, so several checkouts never collide. PostgreSQL
# refuses to run as root, so as root the cluster runs as the `postgres` user.
# When that user cannot enter the checkout (a home folder, a mode-700 temporary
# folder) the cluster lives in a folder of its own under /var/tmp instead and
# .data/postgres points there; no existing permission is loosened.
set -euo pipefail

cmd=${1:-start}
root=$(cd "$(dirname "$0")/.." && pwd)
link="$root/.data/postgres"
mkdir -p "$root/.data"

log() { echo "devdb: $*" >&2; }

find_bindir() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	command -v initdb >/dev/null 2>&1 && { dirname "$(readlink -f "$(command -v initdb)")"; return 0; }
	return 1
}

bindir=$(find_bindir || true)
if [ -z "$bindir" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		log "installing PostgreSQL with apt-get"
		apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >&2
		bindir=$(find_bindir)
	else
		log "PostgreSQL binaries not found: install the 'postgresql' package, or set DATABASE_URL"
		exit 1
	fi
fi

# as_owner runs a command as the cluster's owner, from / so that the
# postgres user never needs to enter the current folder.
as_owner() {
	if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# datadir picks the folder of the cluster, creating it if needed.
datadir() {
	if [ -L "$link" ] || [ -d "$link" ]; then
		readlink -f "$link"
		return
	fi
	local dir="$link"
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || { log "there is no 'postgres' user: install the postgresql package"; exit 1; }
		# The socket path must stay under ~100 bytes, and postgres must be able to enter the folder.
		if ! (cd / && runuser -u postgres -- test -x "$root/.data") || [ ${#link} -gt 80 ]; then
			dir="/var/tmp/nabij-postgres-$(printf %s "$root" | sha256sum | cut -c1-12)"
			ln -sfn "$dir" "$link"
		fi
		mkdir -p "$dir"
		chown postgres: "$dir"
		chmod 700 "$dir"
	else
		mkdir -p "$dir"
		chmod 700 "$dir"
	fi
	echo "$dir"
}

url() { echo "postgres://postgres@/nabij?host=$1&sslmode=disable"; }

case "$cmd" in
start)
	dir=$(datadir)
	if [ ! -f "$dir/PG_VERSION" ]; then
		log "creating cluster in $dir"
		as_owner "$bindir/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
		cat >>"$dir/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 128MB
CONF
	fi
	if ! as_owner "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
		as_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null ||
			{ log "PostgreSQL did not start; see $dir/server.log"; tail -20 "$dir/server.log" >&2; exit 1; }
	fi
	if ! "$bindir/psql" "$(url "$dir" | sed 's#/nabij?#/postgres?#')" -Atqc "SELECT 1 FROM pg_database WHERE datname='nabij'" | grep -q 1; then
		"$bindir/createdb" -h "$dir" -U postgres nabij
	fi
	url "$dir"
	;;
stop)
	if [ -e "$link" ]; then
		dir=$(readlink -f "$link")
		as_owner "$bindir/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
		log "stopped"
	fi
	;;
url)
	url "$(datadir)"
	;;
*)
	echo "usage: $0 start|stop|url" >&2
	exit 2
	;;
esac
