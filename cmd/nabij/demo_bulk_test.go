package main

import (
	"strings"
	"testing"
)

func TestOrganisationsFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		orgs int
		rest string
	}{
		{nil, 1, ""},
		{[]string{"--learners", "100"}, 1, "--learners 100"},
		{[]string{"--learners", "100000", "--organisations", "300"}, 300, "--learners 100000"},
		{[]string{"--organisations=12", "--learners=5"}, 12, "--learners=5"},
	} {
		orgs, rest, err := organisationsFlag(tc.args)
		if err != nil || orgs != tc.orgs || strings.Join(rest, " ") != tc.rest {
			t.Errorf("organisationsFlag(%q) = %d, %q, %v; want %d, %q", tc.args, orgs, rest, err, tc.orgs, tc.rest)
		}
	}
	for _, bad := range [][]string{{"--organisations"}, {"--organisations", "0"}, {"--organisations=veel"}, {"--organisations", "20000"}} {
		if _, _, err := organisationsFlag(bad); err == nil {
			t.Errorf("organisationsFlag(%q) accepted it", bad)
		}
	}
}
