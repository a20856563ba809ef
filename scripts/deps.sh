#!/usr/bin/env bash
# Installs what the test suite needs beyond Go: Debian packages (headless
# Chromium, PDF tools, a QR decoder, Java for the HTML validator, nginx for
# the load-balancer test, promtool for the metrics) and the npm test tools of package.json.
# Run as root it installs missing packages with apt-get; otherwise it only
# reports what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v qpdf >/dev/null || need+=(qpdf)
command -v zbarimg >/dev/null || need+=(zbar-tools)
command -v npm >/dev/null || need+=(npm)
command -v java >/dev/null || need+=(default-jre-headless) # the HTML validator (vnu-jar)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx) # load-balancer test
command -v promtool >/dev/null || need+=(prometheus) # promtool checks the metrics page
command -v pg_dump >/dev/null || need+=(postgresql-client) # make backup-check
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "deps: installing ${need[*]}" >&2
		apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
	else
		echo "deps: missing ${need[*]}: install them with apt-get (as root)" >&2
		exit 1
	fi
fi
if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund --loglevel=error >&2
fi
