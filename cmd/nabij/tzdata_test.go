package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// probeEnv makes the test binary, run again inside a namespace without
// zone files, only look up Brussels and report.
const probeEnv = "NABIJ_TZDATA_PROBE"

// Certificates and reports carry Brussels dates. In a container without
// system time-zone files (distroless, scratch) the binary's embedded copy
// (time/tzdata) must give the same day: 30 November 23:30 UTC is
// 1 December in Brussels.
func TestBrusselsDatesWithoutSystemZoneFiles(t *testing.T) {
	if os.Getenv(probeEnv) == "1" {
		loc, err := time.LoadLocation("Europe/Brussels")
		if err != nil {
			os.Stdout.WriteString("no zone data: " + err.Error() + "\n")
			os.Exit(3)
		}
		day := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC).In(loc).Format("2 January")
		os.Stdout.WriteString("brussels day: " + day + "\n")
		os.Exit(0)
	}
	// Hide every place Go looks for zone files, then run this test again.
	script := `for d in /usr/share/zoneinfo /usr/share/lib/zoneinfo /usr/lib/locale/TZ /etc/zoneinfo "$GOROOT_ZONES"; do
		[ -d "$d" ] && mount -t tmpfs none "$d"
	done
	[ -z "$(ls -A /usr/share/zoneinfo 2>/dev/null)" ] || { echo "zone files still visible"; exit 4; }
	exec "$0" -test.run '^TestBrusselsDatesWithoutSystemZoneFiles$'`
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	cmd := exec.Command("unshare", "--mount", "sh", "-c", script, os.Args[0])
	cmd.Env = append(os.Environ(), probeEnv+"=1", "GOROOT_ZONES="+strings.TrimSpace(string(goroot))+"/lib/time", "ZONEINFO=")
	out, err := cmd.CombinedOutput()
	if err != nil && strings.Contains(string(out), "Operation not permitted") {
		// No mount namespace here (an unprivileged CI runner): check at
		// least that the binary links the embedded zone data.
		list, lerr := exec.Command("go", "list", "-deps", ".").Output()
		if lerr != nil {
			t.Fatalf("go list -deps: %v", lerr)
		}
		if !strings.Contains(string(list), "\ntime/tzdata\n") {
			t.Errorf("cmd/nabij does not import time/tzdata")
		}
		t.Logf("no mount namespace (%s): checked the import only", strings.TrimSpace(string(out)))
		return
	}
	if err != nil || !strings.Contains(string(out), "brussels day: 1 December") {
		t.Errorf("without system zone files: %v\n%s\nwant the Brussels day 1 December from the embedded zone data", err, out)
	}
}
