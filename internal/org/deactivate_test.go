package org_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// Deactivating an account and ending its sessions is one transaction: when
// ending the sessions fails, the account stays active (and its sessions
// stay), instead of a deactivated account that is still signed in.
func TestDeactivateIsAtomic(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	id, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	env.CreateUser(0, "admin", "ada@platform.example", "Ada Admin")
	learner := env.Client()
	learner.Login("an@testdorp.example", pw)
	admin := env.Client()
	admin.Login("ada@platform.example", pw)

	// A fault in the second write: deleting this person's sessions fails.
	for _, q := range []string{
		`CREATE FUNCTION refuse_session_delete() RETURNS trigger LANGUAGE plpgsql AS $$
		 BEGIN RAISE EXCEPTION 'sessions cannot be deleted now'; END $$`,
		`CREATE TRIGGER refuse_session_delete BEFORE DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_session_delete()`,
	} {
		if _, err := env.DB.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	user := "/beheer/gebruikers/" + strconv.FormatInt(id, 10)
	if resp := admin.PostForm(user+"/actief", url.Values{"actief": {"0"}}); resp.Status != http.StatusInternalServerError {
		t.Errorf("deactivate with failing session delete: status %d, want 500", resp.Status)
	}
	var active bool
	if err := env.DB.Get(&active, `SELECT active FROM users WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if !active {
		t.Errorf("account deactivated although its sessions could not be ended")
	}

	if _, err := env.DB.Exec(`DROP TRIGGER refuse_session_delete ON sessions`); err != nil {
		t.Fatal(err)
	}
	if resp := admin.PostForm(user+"/actief", url.Values{"actief": {"0"}}); resp.Status != http.StatusOK {
		t.Fatalf("deactivate: status %d (%q)", resp.Status, resp.Flash())
	}
	var sessions int
	if err := env.DB.Get(&sessions, `SELECT count(*) FROM sessions WHERE user_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if err := env.DB.Get(&active, `SELECT active FROM users WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if active || sessions != 0 {
		t.Errorf("after deactivation: active %v, %d sessions; want false, 0", active, sessions)
	}
}
