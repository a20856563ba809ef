package catalog_test

import (
	"strings"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/config"
)

const cachedLesson = "/modules/online-informeren/heldere-taal"

func withCache(c *config.Config) { c.CacheMaxAge = time.Hour }

// TestCacheServesWithoutDatabase proves lesson pages come from memory: a
// change the database does not announce stays invisible until the cache is
// dropped.
func TestCacheServesWithoutDatabase(t *testing.T) {
	db, u := apptest.NewCurriculumDB(t)
	env := apptest.NewWithConfig(t, db, u, withCache)
	c := env.Client()
	if r := c.Get(cachedLesson); r.Status != 200 || !strings.Contains(r.Body, "Heldere taal") {
		t.Fatalf("GET %s = %d, want 200 with the lesson", cachedLesson, r.Status)
	}
	db.MustExec(`ALTER TABLE lessons DISABLE TRIGGER lessons_changed`)
	db.MustExec(`UPDATE lessons SET title = 'Stille wijziging' WHERE slug = 'heldere-taal'`)
	if r := c.Get(cachedLesson); strings.Contains(r.Body, "Stille wijziging") {
		t.Fatalf("the unannounced change is visible: the page did not come from the cache")
	}
	env.App.InvalidateContent()
	if r := c.Get(cachedLesson); !strings.Contains(r.Body, "Stille wijziging") {
		t.Fatalf("after Invalidate the page still shows the old title")
	}
}

// TestCacheFollowsOtherInstances runs two instances on one database: a
// change committed anywhere reaches both through NOTIFY.
func TestCacheFollowsOtherInstances(t *testing.T) {
	db, u := apptest.NewCurriculumDB(t)
	a := apptest.NewWithConfig(t, db, u, withCache)
	b := apptest.NewWithConfig(t, db, u, withCache)
	for _, env := range []*apptest.Env{a, b} {
		if r := env.Client().Get(cachedLesson); r.Status != 200 {
			t.Fatalf("GET %s = %d, want 200", cachedLesson, r.Status)
		}
	}
	db.MustExec(`UPDATE lessons SET title = 'Aangekondigde wijziging' WHERE slug = 'heldere-taal'`)
	for name, env := range map[string]*apptest.Env{"a": a, "b": b} {
		deadline := time.Now().Add(10 * time.Second)
		for {
			if r := env.Client().Get(cachedLesson); strings.Contains(r.Body, "Aangekondigde wijziging") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("instance %s still serves the old lesson 10 s after the change", name)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestCachedPagesFollowEachViewer checks that a lesson page rendered once
// and reused still shows each person their own done state and language.
func TestCachedPagesFollowEachViewer(t *testing.T) {
	db, u := apptest.NewCurriculumDB(t)
	env := apptest.NewWithConfig(t, db, u, withCache)
	org := env.CreateOrg("OCMW Cachegem")
	_, pw := env.CreateUser(org, "learner", "an@cache.example", "An Cache")
	env.CreateUser(org, "learner", "bo@cache.example", "Bo Cache")
	an, bo := env.Client(), env.Client()
	an.Login("an@cache.example", pw)
	bo.Login("bo@cache.example", pw)
	for _, c := range []*apptest.Client{an, bo, an, bo} { // warm the cache for both
		c.Get(cachedLesson)
	}
	if r := an.PostForm(cachedLesson+"/gelezen", nil); r.Status != 200 {
		t.Fatalf("mark done = %d, want 200 after redirect; flash %q", r.Status, r.Flash())
	}
	if r := an.Get(cachedLesson); strings.Contains(r.Body, "Markeer als gelezen") {
		t.Errorf("An's page still offers to mark the lesson she read")
	}
	if r := bo.Get(cachedLesson); !strings.Contains(r.Body, "Markeer als gelezen") {
		t.Errorf("Bo's page lost the mark-as-read button after An read the lesson")
	}
	if r := env.Client().Get(cachedLesson); strings.Contains(r.Body, "Markeer als gelezen") || strings.Contains(r.Body, "Afmelden") {
		t.Errorf("a guest got a signed-in person's cached page")
	}
	req := env.Client()
	if r := req.PostForm("/taal", map[string][]string{"taal": {"en"}, "terug": {cachedLesson}}); !strings.Contains(r.Body, "Previous lesson") && !strings.Contains(r.Body, "Next lesson") {
		t.Errorf("after choosing English the cached lesson page is not in English")
	}
}
