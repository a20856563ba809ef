package main

import (
	"context"
	"strings"
	"testing"
)

// TestDemoRefusesBadArguments: a wrong --learners value or an unknown
// argument (a typo such as --learner) is refused before anything is
// written, instead of creating the demo accounts and then failing, or
// silently adding nobody.
func TestDemoRefusesBadArguments(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
	for _, args := range [][]string{
		{"--learners", "-3"}, {"--learners", "abc"}, {"--learners"}, {"--learner", "5"}, {"extra"},
	} {
		err := demo(context.Background(), nil, args)
		if err == nil || !strings.Contains(err.Error(), "demo:") || strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("demo %q: error %v, want a demo: usage error before connecting to the database", args, err)
		}
	}
	for _, tc := range []struct {
		args []string
		want int
	}{{nil, 0}, {[]string{"--learners", "12"}, 12}, {[]string{"--learners=7"}, 7}, {[]string{"-learners", "3"}, 3}} {
		if n, err := learnersFlag(tc.args); err != nil || n != tc.want {
			t.Errorf("learnersFlag(%q) = %d, %v; want %d, nil", tc.args, n, err, tc.want)
		}
	}
}
