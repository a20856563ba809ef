package app_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/config"
)

func withCaches(c *config.Config) { c.CacheMaxAge = time.Hour }

// twoInstances starts two instances with their caches on, sharing one
// database, like two app servers behind a load balancer.
func twoInstances(t *testing.T) (a, b *apptest.Env) {
	db, u := apptest.NewCurriculumDB(t)
	return apptest.NewWithConfig(t, db, u, withCaches), apptest.NewWithConfig(t, db, u, withCaches)
}

// shareSession gives client to (of instance b) the session cookie that
// from holds for instance a.
func shareSession(t *testing.T, from *apptest.Client, a *apptest.Env, to *apptest.Client, b *apptest.Env) {
	t.Helper()
	au, _ := url.Parse(a.URL("/"))
	bu, _ := url.Parse(b.URL("/"))
	cookies := from.HTTP.Jar.Cookies(au)
	if len(cookies) == 0 {
		t.Fatal("no session cookie to share")
	}
	to.HTTP.Jar.SetCookies(bu, cookies)
}

// eventually polls check for up to 10 s.
func eventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const lessonPath = "/modules/online-informeren/heldere-taal"

func signedIn(r *apptest.Response) bool { return strings.Contains(r.Body, "Afmelden") }

// TestCachedSessionEndsEverywhere: a session cached by two instances ends
// on both when the person logs out on one.
func TestCachedSessionEndsEverywhere(t *testing.T) {
	a, b := twoInstances(t)
	org := a.CreateOrg("OCMW Tweeling")
	_, pw := a.CreateUser(org, "learner", "lies@tweeling.example", "Lies Tweeling")
	ca, cb := a.Client(), b.Client()
	ca.Login("lies@tweeling.example", pw)
	shareSession(t, ca, a, cb, b)
	// The same token, kept so it can be replayed after logging out.
	stolen := b.Client()
	shareSession(t, ca, a, stolen, b)
	if !signedIn(cb.Get(lessonPath)) || !signedIn(ca.Get(lessonPath)) {
		t.Fatal("the session does not work on both instances")
	}
	if r := ca.PostForm("/afmelden", nil); signedIn(r) {
		t.Fatalf("still signed in after logging out on instance a; flash %q", r.Flash())
	}
	if signedIn(a.Client().Get(lessonPath)) {
		t.Fatal("guest sees a signed-in page")
	}
	eventually(t, "the ended session still works on instance b", func() bool { return !signedIn(stolen.Get(lessonPath)) })
}

// TestCachedSessionEndsOnDeactivation: deactivating a person in the
// database ends their cached sessions on every instance.
func TestCachedSessionEndsOnDeactivation(t *testing.T) {
	a, b := twoInstances(t)
	org := a.CreateOrg("OCMW Tweeling")
	id, pw := a.CreateUser(org, "learner", "jan@tweeling.example", "Jan Tweeling")
	ca, cb := a.Client(), b.Client()
	ca.Login("jan@tweeling.example", pw)
	shareSession(t, ca, a, cb, b)
	if !signedIn(cb.Get(lessonPath)) {
		t.Fatal("the session does not work on instance b")
	}
	a.DB.MustExec(`UPDATE users SET active = false WHERE id = $1`, id)
	for name, c := range map[string]*apptest.Client{"a": ca, "b": cb} {
		eventually(t, "a deactivated person is still signed in on instance "+name, func() bool { return !signedIn(c.Get(lessonPath)) })
	}
}

// TestCachedDoneLessonsFollowOtherInstance: a lesson marked read on one
// instance shows as read on the other.
func TestCachedDoneLessonsFollowOtherInstance(t *testing.T) {
	a, b := twoInstances(t)
	org := a.CreateOrg("OCMW Tweeling")
	_, pw := a.CreateUser(org, "learner", "mo@tweeling.example", "Mo Tweeling")
	ca, cb := a.Client(), b.Client()
	ca.Login("mo@tweeling.example", pw)
	shareSession(t, ca, a, cb, b)
	if r := cb.Get(lessonPath); !strings.Contains(r.Body, "Markeer als gelezen") {
		t.Fatal("instance b does not offer to mark the lesson as read")
	}
	ca.PostForm(lessonPath+"/gelezen", nil)
	if r := ca.Get(lessonPath); strings.Contains(r.Body, "Markeer als gelezen") {
		t.Fatal("instance a still offers to mark the lesson it just recorded")
	}
	eventually(t, "instance b still shows the lesson as unread", func() bool {
		return !strings.Contains(cb.Get(lessonPath).Body, "Markeer als gelezen")
	})
}

// TestCachedSessionFollowsOwnChanges: with the caches on, the page right
// after saving the profile or choosing a language shows the new name and
// language at once, not the cached session's old ones.
func TestCachedSessionFollowsOwnChanges(t *testing.T) {
	db, u := apptest.NewCurriculumDB(t)
	env := apptest.NewWithConfig(t, db, u, withCaches)
	org := env.CreateOrg("OCMW Tweeling")
	_, pw := env.CreateUser(org, "learner", "lies@tweeling.example", "Lies Tweeling")
	c := env.Client()
	c.Login("lies@tweeling.example", pw)
	for i := range 10 {
		lang, html := "en", `<html lang="en">`
		if i%2 == 1 {
			lang, html = "nl", `<html lang="nl-BE">`
		}
		if r := c.PostForm("/taal", url.Values{"taal": {lang}, "terug": {"/profiel"}}); !strings.Contains(r.Body, html) {
			t.Fatalf("round %d: page after choosing %s is not in that language", i, lang)
		}
		name := "Lies Nieuw " + string(rune('A'+i))
		r := c.PostForm("/profiel", url.Values{"naam": {name}, "taal": {lang}})
		if !strings.Contains(r.Body, `value="`+name+`"`) || !strings.Contains(r.Body, html) {
			t.Fatalf("round %d: profile page after saving does not show name %q in %s (flash %q)", i, name, lang, r.Flash())
		}
	}
}
