package report_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// Names sort the Dutch way on every page and in the CSV: accented letters
// and letters of other alphabets beside their base letter, case ignored.
func TestNamesSortTheDutchWay(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Sorteerdorp")
	_, pw := env.CreateUser(org, "manager", "baas@sorteer.example", "Bea Baas")
	for i, name := range []string{"Zoë Peeters", "Mathias Claes", "Łucja Wąsowska-Żak", "Maëlle Dubois", "émile Janssens", "Lotte Janssens"} {
		env.CreateUser(org, "learner", fmt.Sprintf("p%d@sorteer.example", i), name)
	}
	want := []string{"Bea Baas", "émile Janssens", "Lotte Janssens", "Łucja Wąsowska-Żak", "Maëlle Dubois", "Mathias Claes", "Zoë Peeters"}
	c := env.Client()
	c.Login("baas@sorteer.example", pw)

	order := func(body string) []string {
		type at struct {
			name string
			pos  int
		}
		var got []at
		for _, n := range want {
			if i := strings.Index(body, n); i >= 0 {
				got = append(got, at{n, i})
			}
		}
		for i := range got {
			for j := i + 1; j < len(got); j++ {
				if got[j].pos < got[i].pos {
					got[i], got[j] = got[j], got[i]
				}
			}
		}
		var names []string
		for _, g := range got {
			names = append(names, g.name)
		}
		return names
	}
	for _, path := range []string{"/rapport/mensen", "/rapport/export.csv", "/organisatie"} {
		r := c.Get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, r.Status)
		}
		if got := order(r.Body); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s lists %v, want %v", path, got, want)
		}
	}
}
