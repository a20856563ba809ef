package learning

import (
	"testing"
	"time"
)

// A kept dashboard goes at the next Brussels midnight, when a due date may
// turn overdue without any event to announce it: also across the changes
// to and from summer time, and from just before and just after midnight.
func TestNextMidnightIsBrussels(t *testing.T) {
	for _, tc := range []struct{ now, want string }{
		{"2026-12-01T14:05:00+01:00", "2026-12-02T00:00:00+01:00"},
		{"2026-12-01T23:59:59+01:00", "2026-12-02T00:00:00+01:00"},
		{"2026-12-02T00:00:00+01:00", "2026-12-03T00:00:00+01:00"},
		{"2026-12-01T23:30:00Z", "2026-12-03T00:00:00+01:00"}, // already 2 December in Brussels
		{"2026-03-28T12:00:00+01:00", "2026-03-29T00:00:00+01:00"},
		{"2026-03-29T12:00:00+02:00", "2026-03-30T00:00:00+02:00"}, // the day of 23 hours
		{"2026-10-25T12:00:00+01:00", "2026-10-26T00:00:00+01:00"}, // the day of 25 hours
	} {
		now, err := time.Parse(time.RFC3339, tc.now)
		if err != nil {
			t.Fatal(err)
		}
		want, err := time.Parse(time.RFC3339, tc.want)
		if err != nil {
			t.Fatal(err)
		}
		if got := nextMidnight(now); !got.Equal(want) {
			t.Errorf("nextMidnight(%s) = %s, want %s", tc.now, got.Format(time.RFC3339), tc.want)
		}
	}
}
