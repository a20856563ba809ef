package auth_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/database/dbtest"
)

// behindProxy starts the platform behind a trusted proxy, so that tests can
// send each request from the address they choose (X-Forwarded-For).
func behindProxy(t *testing.T) *apptest.Env {
	db, u := apptest.NewCurriculumDB(t)
	return apptest.NewWithConfig(t, db, u, func(c *config.Config) { c.TrustedProxies = []string{"127.0.0.1", "::1"} })
}

// loginFrom posts the login form from address ip.
func loginFrom(c *apptest.Client, env *apptest.Env, ip, email, password string) *apptest.Response {
	form := url.Values{"email": {email}, "wachtwoord": {password}}
	req, _ := http.NewRequest(http.MethodPost, env.URL("/aanmelden"), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if ip != "" {
		req.Header.Set("X-Forwarded-For", ip)
	}
	return c.Do(req)
}

func signedInPage(r *apptest.Response) bool { return strings.Contains(r.Body, `action="/afmelden"`) }

func TestThrottlingEngages(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	c := env.Client()
	for i := range 5 {
		if r := loginFrom(c, env, "", "an@testdorp.example", fmt.Sprintf("fout wachtwoord %d", i)); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong password %d: status %d, want 422 (%q)", i+1, r.Status, r.Flash())
		}
	}
	before := env.App.Accounts().PasswordsChecked()
	last := loginFrom(c, env, "", "an@testdorp.example", "nog een gok")
	if last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" || !strings.Contains(last.Flash(), "minuten") {
		t.Fatalf("6th wrong password: status %d Retry-After %q %q, want 429 saying how many minutes", last.Status, last.Header.Get("Retry-After"), last.Flash())
	}
	// From this browser (it never signed in) even the right password
	// waits, and is not even checked.
	if r := loginFrom(c, env, "", "an@testdorp.example", pw); r.Status != http.StatusTooManyRequests {
		t.Fatalf("right password over the budget: status %d, want 429", r.Status)
	}
	if n := env.App.Accounts().PasswordsChecked() - before; n != 0 {
		t.Errorf("%d passwords hashed over the budget, want 0", n)
	}
	// An unknown address gets the same treatment (no hint that it exists).
	c2 := env.Client()
	var r *apptest.Response
	for range 6 {
		r = loginFrom(c2, env, "", "niemand@testdorp.example", "fout")
	}
	if r.Status != http.StatusTooManyRequests {
		t.Errorf("unknown address after 6 attempts: status %d, want 429", r.Status)
	}
	// The window ends: pretend it did, and the right password works.
	env.DB.MustExec(`UPDATE login_failures SET window_start = window_start - interval '16 minutes'`)
	c.Login("an@testdorp.example", pw)
	if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM login_failures WHERE key = 'account:an@testdorp.example'`); n != 0 {
		t.Errorf("after a good login the account still has %d throttle rows, want 0", n)
	}
}

// TestParallelGuessesCounted reproduces the raced throttle: 60 wrong
// passwords for one account sent at once had 57 passwords checked. Every
// attempt is now counted before its password is hashed: the budget of 5
// holds.
func TestParallelGuessesCounted(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	before := env.App.Accounts().PasswordsChecked()
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := loginFrom(env.Client(), env, "", "an@testdorp.example", fmt.Sprintf("gok %d", i))
			mu.Lock()
			statuses[r.Status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	checked := env.App.Accounts().PasswordsChecked() - before
	t.Logf("60 parallel wrong passwords for one account: %d checked, answers %v", checked, statuses)
	if checked > 5 || checked < 1 {
		t.Errorf("%d passwords checked, want at most the budget of 5 (and at least one)", checked)
	}
	for st := range statuses {
		if st != http.StatusUnprocessableEntity && st != http.StatusTooManyRequests && st != http.StatusServiceUnavailable {
			t.Errorf("answer %d to a parallel guess, want 422, 429 or 503", st)
		}
	}
	if statuses[http.StatusTooManyRequests] == 0 {
		t.Errorf("no guess was refused: %v", statuses)
	}
}

// TestNobodyKeepsAPersonOut: the browser a person signed in with before
// keeps its own budget, however many failures others cause on the account
// from other addresses and browsers.
func TestNobodyKeepsAPersonOut(t *testing.T) {
	env := behindProxy(t)
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	own := env.Client()
	if r := loginFrom(own, env, "192.0.2.10", "an@testdorp.example", pw); !signedInPage(r) {
		t.Fatalf("first login: status %d %q", r.Status, r.Flash())
	}
	own.Logout()
	attacker := env.Client()
	for i := range 20 { // one attempt each from fresh addresses
		loginFrom(attacker, env, fmt.Sprintf("203.0.113.%d", i+1), "an@testdorp.example", "gok")
	}
	if r := loginFrom(env.Client(), env, "198.51.100.1", "an@testdorp.example", pw); r.Status != http.StatusTooManyRequests {
		t.Errorf("right password from a new browser after 20 failures: status %d, want 429", r.Status)
	}
	if r := loginFrom(own, env, "192.0.2.10", "an@testdorp.example", pw); !signedInPage(r) {
		t.Errorf("the person's own browser after others' failures: status %d %q, want signed in", r.Status, r.Flash())
	}
}

// TestSharedAddressDoesNotLockOutColleagues: an office behind one address
// where someone fails many logins; a colleague whose browser signed in
// before is not slowed down, and the address's budget is not that of one
// person.
func TestSharedAddressDoesNotLockOutColleagues(t *testing.T) {
	env := behindProxy(t)
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	env.CreateUser(org, "learner", "bo@testdorp.example", "Bo Peeters")
	const office = "192.0.2.50"
	an := env.Client()
	an.Login("an@testdorp.example", pw) // an earlier day
	an.Logout()
	other := env.Client()
	for i := range 40 { // many failures on many accounts from the office address
		loginFrom(other, env, office, fmt.Sprintf("gok%d@testdorp.example", i), "fout")
	}
	if r := loginFrom(other, env, office, "gok99@testdorp.example", "fout"); r.Status != http.StatusTooManyRequests {
		t.Errorf("41st failure from one address on fresh accounts: status %d, want 429", r.Status)
	}
	if r := loginFrom(an, env, office, "an@testdorp.example", pw); !signedInPage(r) {
		t.Errorf("colleague from the office address: status %d %q, want signed in", r.Status, r.Flash())
	}
}

// TestIPv6CountedBy64: a subscriber holds a whole /64, so every address in
// it shares one budget.
func TestIPv6CountedBy64(t *testing.T) {
	env := behindProxy(t)
	c := env.Client()
	var r *apptest.Response
	for i := range 31 {
		r = loginFrom(c, env, fmt.Sprintf("2001:db8:1:2::%x", i+1), fmt.Sprintf("gok%d@testdorp.example", i), "fout")
	}
	if r.Status != http.StatusTooManyRequests {
		t.Errorf("31st attempt from one /64, each address and account new: status %d, want 429", r.Status)
	}
	if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM login_failures WHERE key = 'ip:2001:db8:1:2::/64'`); n != 1 {
		t.Errorf("%d rows for the /64, want 1", n)
	}
	if r := loginFrom(c, env, "2001:db8:1:3::1", "nieuw@testdorp.example", "fout"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("another /64: status %d, want 422", r.Status)
	}
}

// TestCurrentPasswordThrottled: checking the current password (password
// change, account deletion) has the same bound: after 5 wrong ones, even
// the right one is not checked for a while.
func TestCurrentPasswordThrottled(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	c := env.Client()
	c.Login("an@testdorp.example", pw)
	for i := range 3 {
		if r := c.PostForm("/profiel/wachtwoord", url.Values{"huidig": {fmt.Sprintf("fout %d", i)}, "nieuw": {"een nieuw lang wachtwoord"}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong current password %d: status %d, want 422", i+1, r.Status)
		}
	}
	for i := range 2 {
		if r := c.PostForm("/profiel/verwijderen", url.Values{"wachtwoord": {fmt.Sprintf("fout %d", i)}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong password to delete %d: status %d, want 422", i+1, r.Status)
		}
	}
	before := env.App.Accounts().PasswordsChecked()
	r := c.PostForm("/profiel/wachtwoord", url.Values{"huidig": {pw}, "nieuw": {"een nieuw lang wachtwoord"}})
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("right current password after 5 wrong: status %d %q, want 429", r.Status, r.Flash())
	}
	if r := c.PostForm("/profiel/verwijderen", url.Values{"wachtwoord": {pw}}); r.Status != http.StatusTooManyRequests {
		t.Errorf("deletion after 5 wrong: status %d, want 429", r.Status)
	}
	if n := env.App.Accounts().PasswordsChecked() - before; n != 0 {
		t.Errorf("%d passwords hashed over the budget, want 0", n)
	}
	if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM users WHERE email = 'an@testdorp.example' AND deleted_at IS NULL`); n != 1 {
		t.Errorf("account gone while throttled")
	}
}

// TestParallelLoginsBounded: 60 logins at once for different accounts from
// different addresses run at most the bound's argon2id hashes at a time;
// those beyond it are answered at once with a Dutch 503.
func TestParallelLoginsBounded(t *testing.T) {
	env := behindProxy(t)
	var mu sync.Mutex
	statuses := map[int]int{}
	busyText := ""
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := loginFrom(env.Client(), env, fmt.Sprintf("198.51.100.%d", i+1), fmt.Sprintf("p%d@testdorp.example", i), "fout wachtwoord")
			mu.Lock()
			defer mu.Unlock()
			statuses[r.Status]++
			if r.Status == http.StatusServiceUnavailable {
				busyText = r.Flash()
				if r.Header.Get("Retry-After") == "" {
					t.Error("503 without Retry-After")
				}
			}
		}()
	}
	wg.Wait()
	peak, bound := env.App.Accounts().HashingPeak()
	t.Logf("60 parallel logins: answers %v, at most %d hashes at once (bound %d)", statuses, peak, bound)
	if peak > int64(bound) || peak < 1 {
		t.Errorf("%d hashes ran at once, bound %d", peak, bound)
	}
	if statuses[http.StatusServiceUnavailable] == 0 {
		t.Fatalf("no login was answered 503 beyond the bound: %v", statuses)
	}
	if !strings.Contains(busyText, "Probeer het zo opnieuw") {
		t.Errorf("503 page says %q, want the Dutch \"Probeer het zo opnieuw\"", busyText)
	}
}

// TestDeletionForgetsThrottleRows: the throttle rows and device cookies of
// a deleted account name the person; they go with the account.
func TestDeletionForgetsThrottleRows(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	env.Client().PostForm("/aanmelden", url.Values{"email": {"an@testdorp.example"}, "wachtwoord": {"fout"}})
	c := env.Client()
	c.Login("an@testdorp.example", pw)
	c.PostForm("/aanmelden", url.Values{"email": {"an@testdorp.example"}, "wachtwoord": {"fout"}}) // a device row and a throttle row
	c.PostForm("/profiel/verwijderen", url.Values{"wachtwoord": {"fout"}})
	if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM login_failures WHERE key LIKE 'account:an@%' OR key LIKE 'reauth:%' OR key LIKE 'device:%'`); n == 0 {
		t.Fatal("no throttle rows to forget: the test proves nothing")
	}
	if r := c.PostForm("/profiel/verwijderen", url.Values{"wachtwoord": {pw}}); r.Status != http.StatusOK {
		t.Fatalf("delete account: status %d %q", r.Status, r.Flash())
	}
	if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM login_failures WHERE key LIKE 'account:an@%' OR key LIKE 'reauth:%' OR key LIKE 'device:%'`); n != 0 {
		t.Errorf("%d throttle rows of the deleted account remain", n)
	}
	if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM login_devices`); n != 0 {
		t.Errorf("%d device cookies of the deleted account remain", n)
	}
}

// TestCleanUpRemovesEndedWindows: the periodic clean-up removes throttle
// rows whose window ended and expired device cookies, and keeps the rest.
func TestCleanUpRemovesEndedWindows(t *testing.T) {
	db := dbtest.New(t)
	var user int64
	if err := db.Get(&user, `INSERT INTO users (email, full_name, role) VALUES ('t@example.be', 'T', 'trainer') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	db.MustExec(`INSERT INTO login_failures (key, attempts, last_attempt_at, window_start) VALUES
		('ip:192.0.2.1', 3, now() - interval '16 minutes', now() - interval '16 minutes'),
		('ip:192.0.2.2', 3, now(), now() - interval '5 minutes')`)
	db.MustExec(`INSERT INTO login_devices (token_hash, user_id, expires_at) VALUES
		('\x01', $1, now() - interval '1 second'), ('\x02', $1, now() + interval '1 day')`, user)
	if err := auth.NewThrottle(db).CleanUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := dbtest.Count(t, db, `SELECT count(*) FROM login_failures WHERE key = 'ip:192.0.2.1'`); n != 0 {
		t.Error("a row whose window ended was kept")
	}
	if n := dbtest.Count(t, db, `SELECT count(*) FROM login_failures WHERE key = 'ip:192.0.2.2'`); n != 1 {
		t.Error("a row in its window was removed")
	}
	if n := dbtest.Count(t, db, `SELECT count(*) FROM login_devices`); n != 1 {
		t.Errorf("%d device cookies left, want the one not expired", n)
	}
}
