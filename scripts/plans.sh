#!/usr/bin/env bash
# Prints EXPLAIN (ANALYZE, BUFFERS) of every statement the manager report
# pages run (dashboard figures, the matrix's first page in each sort order,
# the CSV export, a person's page, the question statistics) for one
# organisation of a seeded database, with a summary of cost, buffers and
# rows per statement. The statements are the platform's own, run through
# the report store (the hidden `nabij explain-reports`), not copies.
#
#   DATABASE_URL=postgres://… scripts/plans.sh ["OCMW Demodorp"]
#
# Seed a database first, e.g. nabij migrate && nabij import &&
# nabij demo --learners 100000 --organisations 300. Nothing is written.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ]; then
	echo "plans: set DATABASE_URL to a seeded database" >&2
	exit 2
fi
org=${1:-OCMW Demodorp}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/nabij" ./cmd/nabij
"$bin/nabij" explain-reports "$org"
