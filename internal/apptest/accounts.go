package apptest

import (
	"context"
	"net/url"
	"strings"
	"sync"

	"nabij.be/leerplatform/internal/auth"
)

// TestPassword is the password of every account CreateUser makes.
const TestPassword = "correct paard batterij niet"

// The argon2id hash of TestPassword is computed once per test binary, with
// the real parameters, so that creating many users stays fast.
var (
	testHashOnce sync.Once
	testHash     string
)

func testPasswordHash(t interface{ Fatalf(string, ...any) }) string {
	testHashOnce.Do(func() {
		h, err := auth.HashPassword(TestPassword)
		if err != nil {
			t.Fatalf("hash test password: %v", err)
		}
		testHash = h
	})
	return testHash
}

// CreateOrg creates an organisation and returns its id.
func (e *Env) CreateOrg(name string) int64 {
	e.T.Helper()
	var id int64
	if err := e.DB.GetContext(context.Background(), &id,
		`INSERT INTO organisations (name) VALUES ($1) RETURNING id`, name); err != nil {
		e.T.Fatalf("create organisation %q: %v", name, err)
	}
	return id
}

// CreateTeam creates a team in an organisation and returns its id.
func (e *Env) CreateTeam(orgID int64, name string) int64 {
	e.T.Helper()
	var id int64
	if err := e.DB.GetContext(context.Background(), &id,
		`INSERT INTO teams (organisation_id, name) VALUES ($1, $2) RETURNING id`, orgID, name); err != nil {
		e.T.Fatalf("create team %q: %v", name, err)
	}
	return id
}

// CreateUser creates an active account with password TestPassword and
// returns its id and password. orgID is 0 for trainers and admins without
// an organisation.
func (e *Env) CreateUser(orgID int64, role, email, name string) (userID int64, password string) {
	e.T.Helper()
	var org *int64
	if orgID != 0 {
		org = &orgID
	}
	if err := e.DB.GetContext(context.Background(), &userID, `
		INSERT INTO users (organisation_id, email, full_name, role, password_hash)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		org, email, name, role, testPasswordHash(e.T)); err != nil {
		e.T.Fatalf("create user %q: %v", email, err)
	}
	return userID, TestPassword
}

// AddToTeam makes a user a member of a team.
func (e *Env) AddToTeam(teamID, userID int64) {
	e.T.Helper()
	if _, err := e.DB.ExecContext(context.Background(),
		`INSERT INTO team_members (team_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, teamID, userID); err != nil {
		e.T.Fatalf("add user %d to team %d: %v", userID, teamID, err)
	}
}

// Login signs in through the real login form and fails the test, showing
// the page's message, when that does not work.
func (c *Client) Login(email, password string) {
	c.env.T.Helper()
	c.Get("/aanmelden")
	resp := c.PostForm("/aanmelden", url.Values{"email": {email}, "wachtwoord": {password}, "terug": {"/"}})
	if resp.URL.Path != "/" || !strings.Contains(resp.Body, `action="/afmelden"`) {
		c.env.T.Fatalf("login as %s: status %d at %s, want the home page signed in; page says: %q",
			email, resp.Status, resp.URL.Path, resp.Flash())
	}
}

// Logout signs out through the real logout button.
func (c *Client) Logout() {
	c.env.T.Helper()
	resp := c.PostForm("/afmelden", nil)
	if resp.Status != 200 {
		c.env.T.Fatalf("logout: status %d; page says: %q", resp.Status, resp.Flash())
	}
}
