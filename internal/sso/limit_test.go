package sso

import (
	"testing"
	"time"
)

// One address may start 300 logins a minute; others are not held up, and
// the bucket refills.
func TestStartLimit(t *testing.T) {
	l := newLimiter()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for i := range startsPerMinute {
		if !l.allow("192.0.2.1", now) {
			t.Fatalf("start %d refused, want %d allowed at once", i+1, startsPerMinute)
		}
	}
	if l.allow("192.0.2.1", now) {
		t.Errorf("start %d allowed, want refused", startsPerMinute+1)
	}
	if !l.allow("192.0.2.2", now) {
		t.Errorf("another address refused")
	}
	if !l.allow("192.0.2.1", now.Add(time.Second)) {
		t.Errorf("no start allowed a second later, want the bucket to refill")
	}
	// A full map forgets idle addresses, not busy ones.
	for i := range startLimiters {
		l.byIP[string(rune(i))+"x"] = &ipLimit{l: l.byIP["192.0.2.2"].l, seen: now.Add(-2 * time.Minute)}
	}
	l.allow("198.51.100.7", now)
	if _, ok := l.byIP["192.0.2.1"]; !ok || len(l.byIP) > 10 {
		t.Errorf("after pruning: %d addresses, busy one kept %v; want the idle ones gone", len(l.byIP), ok)
	}
}
