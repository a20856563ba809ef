package org

import (
	"fmt"
	"testing"
)

// Addresses pasted as Outlook copies them, with names, quotes and
// semicolons, give one row per person.
func TestParsePastedOutlookAddresses(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // email/name line, …
	}{
		{`Jan Peeters <jan.peeters@gent.example>; "Vermeulen, An" <an.vermeulen@gent.example>`,
			"[jan.peeters@gent.example/Jan Peeters 1 an.vermeulen@gent.example/Vermeulen, An 1]"},
		{"a@x.example, b@x.example; c@x.example d@x.example\n\ne@x.example\r\n",
			"[a@x.example/ 1 b@x.example/ 1 c@x.example/ 1 d@x.example/ 1 e@x.example/ 3]"},
		{`"Peeters, Jan" <jan@x.example>` + "\n" + `<kaal@x.example>`,
			"[jan@x.example/Peeters, Jan 1 kaal@x.example/ 2]"},
		// A broken entry stays one row, which the invitation reports as
		// not an address; the others still count.
		{`Jan <jan@x.example; an@x.example`, "[Jan <jan@x.example/ 1 an@x.example/ 1]"},
	} {
		var got []string
		for _, r := range ParsePasted(c.in) {
			got = append(got, fmt.Sprintf("%s/%s %d", r.Email, r.Name, r.Line))
		}
		if fmt.Sprint(got) != c.want {
			t.Errorf("ParsePasted(%q) = %v, want %s", c.in, got, c.want)
		}
	}
}
