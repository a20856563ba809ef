package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/assignment"
)

// lessonsDone reads "N van M lessen" of the first module off a dashboard.
var lessonsDone = regexp.MustCompile(`(\d+) van \d+ lessen? gelezen`)

func firstModuleLessons(t *testing.T, r *apptest.Response) string {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("dashboard: status %d", r.Status)
	}
	m := lessonsDone.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no lesson count on the dashboard:\n%s", r.Body)
	}
	return m[1]
}

// TestKeptDashboardFollowsEveryChange: with the dashboards kept ready (the
// production default), every change a dashboard shows is on it in the
// answer to the person's own request on the same instance, and on another
// instance once it has heard the database's announcements: lessons done,
// a quiz result, a certificate, assigned training, a module's new title,
// the person's language.
func TestKeptDashboardFollowsEveryChange(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	org := a.CreateOrg("OCMW Tweeling")
	id, pw := a.CreateUser(org, "learner", "ilse@tweeling.example", "Ilse Tweeling")
	ca, cb := a.Client(), b.Client()
	ca.Login("ilse@tweeling.example", pw)
	shareSession(t, ca, a, cb, b)
	for _, c := range []*apptest.Client{ca, cb} { // both keep it now
		if got := firstModuleLessons(t, c.Get("/mijn-leertraject")); got != "0" {
			t.Fatalf("a new learner has %s lessons done", got)
		}
	}

	// A lesson marked as read: at once on a, soon on b.
	var first, second string
	a.MustGet(&first, `SELECT l.slug FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.position = 1 ORDER BY l.position LIMIT 1`)
	a.MustGet(&second, `SELECT l.slug FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.position = 1 ORDER BY l.position OFFSET 1 LIMIT 1`)
	var slug string
	a.MustGet(&slug, `SELECT slug FROM modules WHERE position = 1`)
	ca.PostForm("/modules/"+slug+"/"+first+"/gelezen", nil)
	if got := firstModuleLessons(t, ca.Get("/mijn-leertraject")); got != "1" {
		t.Fatalf("right after marking a lesson on instance a its dashboard says %s lessons done", got)
	}
	eventually(t, "instance b's dashboard shows the lesson done on a", func() bool {
		return firstModuleLessons(t, cb.Get("/mijn-leertraject")) == "1"
	})

	// Progress written by another process (a batch, an import): both
	// instances follow the database's announcements.
	var lessonID, moduleID int64
	a.MustGet(&lessonID, `SELECT l.id FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.slug = $1 AND l.slug = $2`, slug, second)
	a.MustGet(&moduleID, `SELECT id FROM modules WHERE slug = $1`, slug)
	if _, err := a.DB.Exec(`INSERT INTO lesson_progress (user_id, lesson_id, module_id) VALUES ($1, $2, $3)`, id, lessonID, moduleID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(`UPDATE module_progress SET lessons_done = 2 WHERE user_id = $1 AND module_id = $2`, id, moduleID); err != nil {
		t.Fatal(err)
	}
	for _, env := range []*apptest.Env{a, b} {
		env.SyncCaches()
	}
	for name, c := range map[string]*apptest.Client{"a": ca, "b": cb} {
		if got := firstModuleLessons(t, c.Get("/mijn-leertraject")); got != "2" {
			t.Errorf("instance %s: after a change by another process the dashboard says %s lessons done", name, got)
		}
	}

	// A quiz result and a certificate, stored by another process.
	if _, err := a.DB.Exec(`INSERT INTO quiz_attempts (user_id, module_id, seq, layout, started_at, submitted_at, correct_count, question_count, score, passed)
		VALUES ($1, $2, 1, '{}', now(), now(), 3, 10, 30, false)`, id, moduleID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(`UPDATE module_progress SET best_score = 30 WHERE user_id = $1 AND module_id = $2`, id, moduleID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(`INSERT INTO certificates (code, user_id, module_id, programme, name, organisation, organisation_id, title, minutes, completed_at)
		SELECT 'TESTCODE1234', $1, id, false, 'Ilse Tweeling', 'OCMW Tweeling', $2, 'Een getuigschrift uit een batch', minutes, now()
		FROM modules WHERE id = $3`, id, org, moduleID); err != nil {
		t.Fatal(err)
	}
	for _, env := range []*apptest.Env{a, b} {
		env.SyncCaches()
	}
	for name, c := range map[string]*apptest.Client{"a": ca, "b": cb} {
		r := c.Get("/mijn-leertraject")
		if !r.Contains("beste score 30 %") || !r.Contains("Een getuigschrift uit een batch") {
			t.Errorf("instance %s: the dashboard lacks the quiz score or the certificate:\n%s", name, r.Body)
		}
	}

	// Training assigned to the organisation.
	if _, err := a.App.Assignments().Store().Create(ctx, assignment.Draft{Target: assignment.Target{OrgID: org},
		ModuleIDs: []int64{moduleID}, Due: assignment.Due{On: time.Date(2031, 3, 31, 0, 0, 0, 0, time.UTC)}}); err != nil {
		t.Fatal(err)
	}
	for _, env := range []*apptest.Env{a, b} {
		env.SyncCaches()
	}
	for name, c := range map[string]*apptest.Client{"a": ca, "b": cb} {
		if r := c.Get("/mijn-leertraject"); !r.Contains("Verplicht tegen 31 maart 2031") {
			t.Errorf("instance %s: the dashboard does not show the assigned module", name)
		}
	}

	// A module's new title.
	if _, err := a.DB.Exec(`UPDATE modules SET title = 'Online informeren, herzien' WHERE id = $1`, moduleID); err != nil {
		t.Fatal(err)
	}
	for _, env := range []*apptest.Env{a, b} {
		env.SyncCaches()
	}
	for name, c := range map[string]*apptest.Client{"a": ca, "b": cb} {
		if r := c.Get("/mijn-leertraject"); !r.Contains("Online informeren, herzien") {
			t.Errorf("instance %s: the dashboard shows the module's old title", name)
		}
	}

	// The person's language, chosen on a: a's next page is in English.
	ca.PostForm("/taal", url.Values{"taal": {"en"}, "terug": {"/mijn-leertraject"}})
	if r := ca.Get("/mijn-leertraject"); !r.Contains(`<html lang="en">`) {
		t.Error("the dashboard is not in the language just chosen")
	}
	eventually(t, "instance b's dashboard follows the new language", func() bool {
		return cb.Get("/mijn-leertraject").Contains(`<html lang="en">`)
	})
}

// TestKeptDashboardIsNobodyElses: two people of the same organisation,
// each with a dashboard kept, each see their own, and the flash message
// of the answer that completes a module is shown once, not kept with the
// page.
func TestKeptDashboardIsNobodyElses(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Tweeling")
	anID, pw1 := env.CreateUser(org, "learner", "an@tweeling.example", "An Tweeling")
	_, pw2 := env.CreateUser(org, "learner", "bo@tweeling.example", "Bo Tweeling")
	an, bo := env.Client(), env.Client()
	an.Login("an@tweeling.example", pw1)
	bo.Login("bo@tweeling.example", pw2)
	var slug string
	var moduleID int64
	env.MustGet(&slug, `SELECT slug FROM modules WHERE position = 1`)
	env.MustGet(&moduleID, `SELECT id FROM modules WHERE position = 1`)
	var lessons []string
	env.MustSelect(&lessons, `SELECT slug FROM lessons WHERE module_id = $1 ORDER BY position`, moduleID)
	for range 2 {
		if got := firstModuleLessons(t, an.Get("/mijn-leertraject")); got != "0" {
			t.Fatalf("An starts with %s lessons done", got)
		}
		firstModuleLessons(t, bo.Get("/mijn-leertraject"))
	}
	// An passed the quiz and read every lesson but the last.
	if _, err := env.DB.Exec(`INSERT INTO quiz_attempts (user_id, module_id, seq, layout, started_at, submitted_at, correct_count, question_count, score, passed)
		VALUES ($1, $2, 1, '{}', now(), now(), 10, 10, 100, true)`, anID, moduleID); err != nil {
		t.Fatal(err)
	}
	if _, err := env.DB.Exec(`INSERT INTO lesson_progress (user_id, lesson_id, module_id)
		SELECT $1, id, module_id FROM lessons WHERE module_id = $2 AND slug <> $3`, anID, moduleID, lessons[len(lessons)-1]); err != nil {
		t.Fatal(err)
	}
	// Reading the last one completes the module: the answer is the
	// dashboard with a flash message.
	r := an.PostForm("/modules/"+slug+"/"+lessons[len(lessons)-1]+"/gelezen", nil)
	if r.Status != http.StatusOK || r.Flash() == "" || !r.Contains("Mijn leertraject") {
		t.Fatalf("completing a module: status %d, flash %q", r.Status, r.Flash())
	}
	r = an.Get("/mijn-leertraject")
	if got, want := firstModuleLessons(t, r), fmt.Sprint(len(lessons)); got != want {
		t.Errorf("An's dashboard says %s lessons done, want %s", got, want)
	}
	if r.Flash() != "" {
		t.Errorf("the flash message was kept with the dashboard: %q", r.Flash())
	}
	if firstModuleLessons(t, an.Get("/mijn-leertraject")); an.Get("/mijn-leertraject").Flash() != "" {
		t.Error("the flash message came back")
	}
	if got := firstModuleLessons(t, bo.Get("/mijn-leertraject")); got != "0" {
		t.Errorf("Bo's dashboard says %s lessons done: another person's page", got)
	}
}

// TestKeptDashboardNotLostToParallelReads: a person's dashboard read in
// parallel, from several tabs, while they mark lessons as read must show
// every lesson in the answer right after marking it: a read that began
// before the change is never kept after it.
func TestKeptDashboardNotLostToParallelReads(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Tweeling")
	_, pw := env.CreateUser(org, "learner", "cas@tweeling.example", "Cas Tweeling")
	c := env.Client()
	c.Login("cas@tweeling.example", pw)
	var slug string
	env.MustGet(&slug, `SELECT slug FROM modules WHERE position = 1`)
	var lessons []string
	env.MustSelect(&lessons, `SELECT l.slug FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.position = 1 ORDER BY l.position`)
	tabs := make([]*apptest.Client, 4)
	for i := range tabs {
		tabs[i] = env.Client()
		shareSession(t, c, env, tabs[i], env)
	}
	for i, lesson := range lessons {
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for _, tab := range tabs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
						tab.Get("/mijn-leertraject")
					}
				}
			}()
		}
		c.PostForm("/modules/"+slug+"/"+lesson+"/gelezen", nil)
		if got, want := firstModuleLessons(t, c.Get("/mijn-leertraject")), fmt.Sprint(i+1); got != want {
			t.Errorf("after marking lesson %d the dashboard says %s lessons done", i+1, got)
		}
		close(stop)
		wg.Wait()
	}
}
