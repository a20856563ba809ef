package auth_test

import (
	"net/http"
	"net/url"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// A bidirectional override makes a name read backwards ("\u202Egnirts"
// shows as "string"): the profile refuses it like other control
// characters (and so does an invitation file, which uses the same rule).
func TestProfileRefusesBidiOverrides(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	c := env.Client()
	c.Login("an@testdorp.example", pw)
	for _, name := range []string{"\u202Egnirts", "An\u2066 Peeters", "An\u200F Peeters"} {
		resp := c.PostForm("/profiel", url.Values{"naam": {name}, "taal": {"nl"}})
		if resp.Status != http.StatusUnprocessableEntity || !resp.Contains("stuurtekens") {
			t.Errorf("name %q: status %d (%q), want 422 about control characters", name, resp.Status, resp.Flash())
		}
	}
	var stored string
	if err := env.DB.Get(&stored, `SELECT full_name FROM users WHERE email = 'an@testdorp.example'`); err != nil {
		t.Fatal(err)
	}
	if stored != "An Peeters" {
		t.Errorf("stored name = %q, want it unchanged", stored)
	}
}
