package org_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// TestCreateTeamAndOrganisationForms posts the new-team form of the manager
// and of the admin, and the new-organisation form: a new name is created
// (tidied), a taken or empty one comes back with the input and a message.
func TestCreateTeamAndOrganisationForms(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Teamdorp")
	_, pw := env.CreateUser(org, "manager", "mia@teamdorp.example", "Mia Manager")
	env.CreateUser(0, "admin", "ada@platform.example", "Ada Admin")
	manager := env.Client()
	manager.Login("mia@teamdorp.example", pw)
	admin := env.Client()
	admin.Login("ada@platform.example", pw)

	adminOrg := fmt.Sprintf("/beheer/organisaties/%d", org)
	for _, f := range []struct {
		who          *apptest.Client
		action, page string
		name, taken  string
		created      string
		takenMsg     string
		invalidMsg   string
	}{
		{manager, "/organisatie/teams", "/organisatie", "  Team   Noord ", "Team Noord", "Team Noord aangemaakt.", "Er bestaat al een team met deze naam.", "Geef het team een naam van hoogstens 200 tekens."},
		{admin, adminOrg + "/teams", adminOrg, "Team Zuid", "Team Zuid", "Team Zuid aangemaakt.", "Er bestaat al een team met deze naam.", "Geef het team een naam van hoogstens 200 tekens."},
		{admin, "/beheer/organisaties", "", "OCMW  Nieuwdorp", "OCMW Nieuwdorp", "Organisatie OCMW Nieuwdorp aangemaakt.", "Er bestaat al een organisatie met deze naam.", "Geef de organisatie een naam van hoogstens 200 tekens."},
	} {
		r := f.who.PostForm(f.action, url.Values{"naam": {f.name}})
		if r.Status != http.StatusOK || !strings.Contains(r.Flash(), f.created) || !r.Contains(f.taken) {
			t.Errorf("%s %q: status %d, flash %q, want 200 with %q", f.action, f.name, r.Status, r.Flash(), f.created)
		}
		if f.page != "" && r.URL.Path != f.page {
			t.Errorf("%s: after creating at %s, want %s", f.action, r.URL.Path, f.page)
		}
		r = f.who.PostForm(f.action, url.Values{"naam": {f.taken}})
		if r.Status != http.StatusUnprocessableEntity || !r.Contains(f.takenMsg) || !r.Contains(`value="`+f.taken+`"`) {
			t.Errorf("%s %q again: status %d, want 422 with %q and the input kept", f.action, f.taken, r.Status, f.takenMsg)
		}
		r = f.who.PostForm(f.action, url.Values{"naam": {"   "}})
		if r.Status != http.StatusUnprocessableEntity || !r.Contains(f.invalidMsg) || !r.Contains(`aria-invalid="true"`) {
			t.Errorf("%s empty name: status %d, want 422 with %q tied to the field", f.action, r.Status, f.invalidMsg)
		}
	}
	if r := admin.PostForm("/beheer/organisaties/999999/teams", url.Values{"naam": {"Team X"}}); r.Status != http.StatusNotFound {
		t.Errorf("team in a missing organisation: status %d, want 404", r.Status)
	}
}
