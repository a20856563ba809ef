package org_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

func TestAdminDeactivateEndsSessionsAndGrantsRoles(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	id, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	env.CreateUser(0, "admin", "ada@platform.example", "Ada Admin")
	learner := env.Client()
	learner.Login("an@testdorp.example", pw)
	admin := env.Client()
	admin.Login("ada@platform.example", pw)

	resp := admin.PostForm("/beheer/organisaties", url.Values{"naam": {"OCMW Nieuwdorp"}})
	if resp.Status != http.StatusOK || !resp.Contains("OCMW Nieuwdorp") {
		t.Fatalf("create organisation: status %d (%q)", resp.Status, resp.Flash())
	}
	if resp := admin.PostForm("/beheer/organisaties", url.Values{"naam": {"ocmw nieuwdorp"}}); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("duplicate organisation: status %d, want 422", resp.Status)
	}
	user := "/beheer/gebruikers/" + strconv.FormatInt(id, 10)
	if resp := admin.PostForm(user+"/rol", url.Values{"rol": {"manager"}}); resp.Status != http.StatusOK {
		t.Errorf("grant manager: status %d (%q)", resp.Status, resp.Flash())
	}
	if resp := admin.PostForm(user+"/rol", url.Values{"rol": {"keizer"}}); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("unknown role: status %d, want 422", resp.Status)
	}
	if resp := learner.Get("/organisatie"); resp.Status != http.StatusOK {
		t.Errorf("new manager on /organisatie: status %d, want 200", resp.Status)
	}
	if resp := admin.PostForm(user+"/actief", url.Values{"actief": {"0"}}); resp.Status != http.StatusOK {
		t.Fatalf("deactivate: status %d (%q)", resp.Status, resp.Flash())
	}
	if resp := learner.Get("/profiel"); resp.URL.Path != "/aanmelden" {
		t.Errorf("deactivated person still signed in (at %s)", resp.URL.Path)
	}
	if resp := env.Client().PostForm("/aanmelden", url.Values{"email": {"an@testdorp.example"}, "wachtwoord": {pw}}); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("deactivated login: status %d, want 422", resp.Status)
	}
	admin.PostForm(user+"/actief", url.Values{"actief": {"1"}})
	env.Client().Login("an@testdorp.example", pw)
}
