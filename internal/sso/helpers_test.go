package sso_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/sso"
	"nabij.be/leerplatform/internal/sso/ssotest"
)

// The test world: two municipalities, each with its own provider client.
// Aadorp signs in at the provider as client "aadorp", Bedorp as "bedorp".
const (
	managerGroup = "leerplatform-verantwoordelijken"
	secretA      = "geheim-van-aadorp-0123456789"
	secretB      = "geheim-van-bedorp-9876543210"
	testKey      = "a-test-key-for-sealing-client-secrets-0001"
)

type world struct {
	env          *apptest.Env
	op           *ssotest.Provider
	orgA, orgB   int64
	teamA        int64
	admin        *apptest.Client
	adminAddress string
}

// newWorld starts the platform (with SSO_SECRET_KEY set, as in production)
// and a real provider, and connects both organisations through the admin
// page.
func newWorld(t *testing.T) *world {
	t.Helper()
	db, u := apptest.NewCurriculumDB(t)
	env := apptest.NewWithConfig(t, db, u, func(c *config.Config) { c.SSOSecretKey = testKey })
	op := ssotest.New(t)
	callback := env.URL(sso.CallbackPath)
	op.AddClient("aadorp", secretA, []string{callback}, []string{env.URL("/")})
	op.AddClient("bedorp", secretB, []string{callback}, []string{env.URL("/")})
	w := &world{env: env, op: op, adminAddress: "beheer@platform.example"}
	w.orgA = env.CreateOrg("Gemeente Aadorp")
	w.orgB = env.CreateOrg("OCMW Bedorp")
	w.teamA = env.CreateTeam(w.orgA, "Sociale dienst")
	env.CreateTeam(w.orgA, "Onthaal")
	_, pw := env.CreateUser(0, "admin", w.adminAddress, "Bea Beheer")
	w.admin = env.Client()
	w.admin.Login(w.adminAddress, pw)
	w.configure(t, w.orgA, url.Values{
		"issuer": {op.Issuer}, "client_id": {"aadorp"}, "client_secret": {secretA},
		"domeinen": {"aadorp.be, ocmw-aadorp.be"}, "beheerder_claim": {"groups=" + managerGroup},
		"team_claim": {"afdeling"},
	})
	w.configure(t, w.orgB, url.Values{
		"issuer": {op.Issuer}, "client_id": {"bedorp"}, "client_secret": {secretB}, "domeinen": {"bedorp.be"},
	})
	return w
}

// configure saves an organisation's settings through the admin page and
// fails the test when that does not work.
func (w *world) configure(t *testing.T, orgID int64, form url.Values) {
	t.Helper()
	r := w.admin.PostForm(settingsPath(orgID), form)
	if r.Status != http.StatusOK || r.URL.Path != orgPath(orgID) {
		t.Fatalf("save SSO settings of %d: status %d at %s; page says %q", orgID, r.Status, r.URL.Path, r.Flash())
	}
}

func orgPath(id int64) string      { return "/beheer/organisaties/" + itoa(id) }
func settingsPath(id int64) string { return orgPath(id) + "/sso" }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var continueRe = regexp.MustCompile(`id="sso-continue" href="([^"]+)"`)
var hiddenIDRe = regexp.MustCompile(`name="id" value="([^"]+)"`)

// flow is one SSO login driven by a cookie-jar client, step by step as a
// browser goes: the e-mail step, the page that continues to the provider,
// the provider's login form, and back.
type flow struct {
	t     *testing.T
	w     *world
	c     *apptest.Client
	cbk   string // the callback URL with code and state, once reached
	state string // the state sent to the provider
}

func (w *world) flow(t *testing.T, c *apptest.Client) *flow { return &flow{t: t, w: w, c: c} }

// toProvider starts the login for email and returns the provider's login
// page.
func (f *flow) toProvider(email string) *apptest.Response {
	f.t.Helper()
	r := f.c.Get("/aanmelden/sso?email=" + url.QueryEscape(email))
	m := continueRe.FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil {
		f.t.Fatalf("start SSO for %s: status %d at %s, want the page that continues to the provider; page says %q",
			email, r.Status, r.URL, r.Flash())
	}
	to := html.UnescapeString(m[1])
	if !strings.HasPrefix(to, f.w.op.Issuer+"/authorize?") {
		f.t.Fatalf("continue link %q does not go to the provider's authorization endpoint", to)
	}
	if u, err := url.Parse(to); err == nil {
		f.state = u.Query().Get("state")
	}
	if got := r.Header.Get("Refresh"); got != "0;url="+to {
		f.t.Errorf("Refresh header = %q, want it to lead to the provider", got)
	}
	return f.get(to)
}

// signIn signs in at the provider as who (a subject or address) and
// stops at the platform's callback, which it returns, without calling it.
func (f *flow) signIn(loginPage *apptest.Response, who string) string {
	f.t.Helper()
	m := hiddenIDRe.FindStringSubmatch(loginPage.Body)
	if m == nil {
		f.t.Fatalf("provider login page has no request id (status %d at %s): %.300s", loginPage.Status, loginPage.URL, loginPage.Body)
	}
	req, _ := http.NewRequest(http.MethodPost, f.w.op.Issuer+"/login",
		strings.NewReader(url.Values{"id": {m[1]}, "user": {who}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// Follow the provider's redirects, but stop before the platform.
	hc := *f.c.HTTP
	var callback string
	hc.CheckRedirect = func(r *http.Request, _ []*http.Request) error {
		if r.URL.Path == sso.CallbackPath {
			callback = r.URL.String()
			return http.ErrUseLastResponse
		}
		return nil
	}
	resp, err := hc.Do(req)
	if err != nil {
		f.t.Fatalf("provider login: %v", err)
	}
	resp.Body.Close()
	if callback == "" {
		f.t.Fatalf("provider login as %s: status %d at %s, no redirect to the platform", who, resp.StatusCode, resp.Request.URL)
	}
	f.cbk = callback
	return callback
}

// back follows a callback URL into the platform.
func (f *flow) back(callback string) *apptest.Response {
	f.t.Helper()
	return f.get(callback)
}

// login runs the whole flow and returns the page the platform ends on.
func (f *flow) login(email, who string) *apptest.Response {
	f.t.Helper()
	return f.back(f.signIn(f.toProvider(email), who))
}

func (f *flow) get(abs string) *apptest.Response {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodGet, abs, nil)
	if err != nil {
		f.t.Fatalf("GET %s: %v", abs, err)
	}
	return f.c.Do(req)
}

// signedIn fails the test unless r is a signed-in page.
func signedIn(t *testing.T, r *apptest.Response, who string) {
	t.Helper()
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `action="/afmelden"`) {
		t.Fatalf("SSO login of %s: status %d at %s, want a signed-in page; page says %q", who, r.Status, r.URL.Path, r.Flash())
	}
}

// refused fails the test unless r is the SSO problem page with status and
// a message containing want.
func refused(t *testing.T, r *apptest.Response, status int, want string) {
	t.Helper()
	if r.Status != status || !strings.Contains(r.Body, `id="sso-problem"`) || !strings.Contains(html.UnescapeString(r.Body), want) {
		t.Errorf("status %d at %s, want %d with %q; page says %q", r.Status, r.URL.Path, status, want, r.Flash())
	}
	if strings.Contains(r.Body, `action="/afmelden"`) {
		t.Errorf("refused login left the browser signed in")
	}
}

type account struct {
	ID    int64  `db:"id"`
	OrgID *int64 `db:"organisation_id"`
	Role  string `db:"role"`
	Name  string `db:"full_name"`
	Teams string `db:"teams"`
}

// accountOf reads the living accounts with an address; a query error fails
// the test.
func (w *world) accountsOf(t *testing.T, email string) []account {
	t.Helper()
	var as []account
	err := w.env.DB.SelectContext(context.Background(), &as, `
		SELECT u.id, u.organisation_id, u.role, u.full_name,
		       coalesce((SELECT string_agg(t.name, ',' ORDER BY t.name) FROM team_members m JOIN teams t ON t.id = m.team_id
		                 WHERE m.user_id = u.id), '') AS teams
		FROM users u WHERE lower(u.email) = lower($1) AND u.deleted_at IS NULL`, email)
	if err != nil {
		t.Fatalf("read accounts of %s: %v", email, err)
	}
	return as
}

func dbtestCount(t *testing.T, w *world, q string) int {
	t.Helper()
	return dbtest.Count(t, w.env.DB, q)
}
