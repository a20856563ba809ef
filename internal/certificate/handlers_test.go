package certificate

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/web"
	"nabij.be/leerplatform/static"
	"nabij.be/leerplatform/templates"
)

// harness runs the certificate routes on a real database and the real
// templates. Who is signed in comes from the X-Test-As header, looked up in
// viewers; the end-to-end tests of the app sign in through the login form.
type harness struct {
	t       *testing.T
	db      *sqlx.DB
	srv     *httptest.Server
	iss     *Issuer
	store   *Store
	viewers map[string]*web.Viewer
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	db := dbtest.New(t)
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	assets, err := web.NewAssets(static.FS)
	if err != nil {
		t.Fatal(err)
	}
	render, err := web.NewRenderer(templates.FS, assets, log)
	if err != nil {
		t.Fatalf("templates: %v", err)
	}
	h := &harness{t: t, db: db, store: NewStore(db), viewers: map[string]*web.Viewer{}}
	h.iss = NewIssuer(h.store)
	h.srv = httptest.NewUnstartedServer(nil)
	base := "http://" + h.srv.Listener.Addr().String()
	flash, err := web.Flash(make([]byte, 32), false)
	if err != nil {
		t.Fatalf("flash: %v", err)
	}
	e := gin.New()
	e.Use(web.Language(), flash, func(c *gin.Context) {
		if v := h.viewers[c.GetHeader("X-Test-As")]; v != nil {
			web.SetViewer(c, v)
		}
		c.Next()
	})
	New(h.store, newTestRenderer(t), render, base, log).Routes(e)
	h.srv.Config.Handler = e
	h.srv.Start()
	t.Cleanup(h.srv.Close)
	return h
}

// person adds a user and returns the key to act as them.
func (h *harness) person(orgID int64, orgName, role, email, name string) (key string, id int64) {
	id = insertUser(h.t, h.db, orgID, role, email, name)
	h.viewers[email] = &web.Viewer{UserID: id, Name: name, Email: email, Role: role, OrgID: orgID, OrgName: orgName, Lang: "nl"}
	return email, id
}

type response struct {
	Status int
	Header http.Header
	Body   string
}

// get requests path as the person with key as ("" for a guest), without
// following redirects.
func (h *harness) get(as, path string) response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.do(as, req)
}

func (h *harness) post(as, path string, form url.Values) response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return h.do(as, req)
}

func (h *harness) do(as string, req *http.Request) response {
	h.t.Helper()
	if as != "" {
		req.Header.Set("X-Test-As", as)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

var messageRe = regexp.MustCompile(`(?s)<(?:p|div) class="(?:field-error|notice error|flash[^"]*)"[^>]*>(.*?)</(?:p|div)>|<div class="wrap error-page">\s*<h1>.*?</h1>\s*<p>(.*?)</p>`)

// message returns the error or flash messages of a page, for failure output.
func (r response) message() string {
	var msgs []string
	for _, m := range messageRe.FindAllStringSubmatch(r.Body, -1) {
		msgs = append(msgs, strings.TrimSpace(m[1]+m[2]))
	}
	return strings.Join(msgs, " | ")
}

// codeOf returns the raw code of a learner's certificate of a module.
func (h *harness) codeOf(userID, moduleID int64) string {
	h.t.Helper()
	var code string
	if err := h.db.Get(&code, `SELECT code FROM certificates WHERE user_id = $1 AND module_id = $2`, userID, moduleID); err != nil {
		h.t.Fatalf("certificate of user %d, module %d: %v", userID, moduleID, err)
	}
	return code
}

func brusselsToday(t *testing.T) string {
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		t.Fatal(err)
	}
	return DutchDate(time.Now().In(loc))
}

func TestVerifyValidCertificate(t *testing.T) {
	h := newHarness(t)
	org := insertOrg(t, h.db, "OCMW Sint-Niklaas")
	_, user := h.person(org, "OCMW Sint-Niklaas", "learner", "zoe@example.be", "Zoë Ĳzerman-D'Hondt")
	mod := insertModule(t, h.db, "online-informeren", "Online informeren", 150)
	completeModule(t, h.db, h.iss, user, mod, time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC))
	code := h.codeOf(user, mod)

	typed := strings.ToLower(FormatCode(code)[:9]) + " " + strings.ToLower(strings.ReplaceAll(FormatCode(code)[10:], "-", " "))
	paths := map[string]string{
		"address on the certificate": "/verifieer/" + FormatCode(code),
		"raw code":                   "/verifieer/" + code,
		"typed lowercase":            "/verifieer/" + url.PathEscape(strings.ToLower(FormatCode(code))),
		"form, lowercase, spaces":    "/verifieer?code=" + url.QueryEscape("  "+typed+" "),
	}
	for what, path := range paths {
		r := h.get("", path)
		if r.Status != http.StatusOK {
			t.Errorf("%s: GET %s = %d, want 200 (%s)", what, path, r.Status, r.message())
			continue
		}
		// The apostrophe is escaped by html/template.
		for _, want := range []string{"Geldig certificaat", "Zoë Ĳzerman-D&#39;Hondt", "Online informeren", "22 november 2026", "OCMW Sint-Niklaas", FormatCode(code)} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("%s: page lacks %q", what, want)
			}
		}
		if strings.Contains(r.Body, "150") || strings.Contains(r.Body, "zoe@example.be") {
			t.Errorf("%s: page shows more than name, module, date and organisation", what)
		}
		if got := r.Header.Get("X-Robots-Tag"); !strings.Contains(got, "noindex") {
			t.Errorf("%s: X-Robots-Tag = %q, want noindex", what, got)
		}
	}
}

func TestVerifyMalformedAndUnknownCodes(t *testing.T) {
	h := newHarness(t)
	unknown, err := NewCode()
	if err != nil {
		t.Fatal(err)
	}
	// A typo: the last symbol changed, so the check symbol fails.
	typo := unknown[:CodeLength-1] + string(crockford[(strings.IndexByte(crockford, unknown[CodeLength-1])+1)%32])

	if r := h.get("", "/verifieer"); r.Status != http.StatusOK || !strings.Contains(r.Body, `<label for="code">`) {
		t.Errorf("GET /verifieer = %d, want 200 with the form", r.Status)
	}
	tests := []struct {
		path   string
		status int
		want   string
	}{
		{"/verifieer/ABC", http.StatusBadRequest, "Dit is geen geldige verificatiecode"},
		{"/verifieer/" + typo, http.StatusBadRequest, "Dit is geen geldige verificatiecode"},
		{"/verifieer?code=", http.StatusBadRequest, "Dit is geen geldige verificatiecode"},
		{"/verifieer?code=" + url.QueryEscape(strings.Repeat("A", 500)), http.StatusBadRequest, "Dit is geen geldige verificatiecode"},
		{"/verifieer/" + FormatCode(unknown), http.StatusNotFound, "Er bestaat geen certificaat met code " + FormatCode(unknown)},
		{"/verifieer?code=" + strings.ToLower(unknown), http.StatusNotFound, "Geen certificaat gevonden"},
	}
	for _, tt := range tests {
		r := h.get("", tt.path)
		if r.Status != tt.status || !strings.Contains(r.Body, tt.want) {
			t.Errorf("GET %s = %d %q, want %d with %q", tt.path, r.Status, r.message(), tt.status, tt.want)
		}
		if tt.status == http.StatusBadRequest && !strings.Contains(r.Body, `aria-invalid="true"`) {
			t.Errorf("GET %s: the message is not tied to the field", tt.path)
		}
	}
}

func TestVerifyEscapesHostileText(t *testing.T) {
	h := newHarness(t)
	hostile := `Eve <script>alert(1)</script><img src=x onerror=alert(2)>`
	org := insertOrg(t, h.db, `OCMW "><svg onload=alert(3)>`)
	_, user := h.person(org, "x", "learner", "eve@example.be", hostile)
	mod := insertModule(t, h.db, "m1", `Module <b>vet</b>`, 60)
	completeModule(t, h.db, h.iss, user, mod, time.Now())
	code := h.codeOf(user, mod)

	r := h.get("", "/verifieer/"+FormatCode(code))
	if r.Status != http.StatusOK {
		t.Fatalf("GET = %d, want 200 (%s)", r.Status, r.message())
	}
	for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload", "<b>vet"} {
		if strings.Contains(r.Body, bad) {
			t.Errorf("verification page contains unescaped %q", bad)
		}
	}
	if !strings.Contains(r.Body, "Eve &lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("verification page does not show the name, escaped")
	}
	// What a person typed is shown back escaped too.
	r = h.get("", "/verifieer?code="+url.QueryEscape(`"><script>alert(4)</script>`))
	if r.Status != http.StatusBadRequest || strings.Contains(r.Body, "<script>alert(4)") {
		t.Errorf("malformed hostile code: status %d, unescaped in page: %v", r.Status, strings.Contains(r.Body, "<script>alert(4)"))
	}
}

func TestVerifyShowsRevocation(t *testing.T) {
	h := newHarness(t)
	org := insertOrg(t, h.db, "OCMW Gent")
	_, user := h.person(org, "OCMW Gent", "learner", "a@example.be", "An Peeters")
	admin, _ := h.person(0, "", "admin", "admin@example.be", "Beheerder")
	mod := insertModule(t, h.db, "m1", "Online feedback", 60)
	completeModule(t, h.db, h.iss, user, mod, time.Now())
	code := h.codeOf(user, mod)
	const reason = "Quiz door iemand anders ingevuld"

	// An empty reason is refused, with the message at the field.
	r := h.post(admin, "/beheer/certificaten/"+FormatCode(code)+"/intrekken", url.Values{"reden": {"  "}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Geef een reden op") || !strings.Contains(r.Body, `aria-describedby="reden-hint reden-error"`) {
		t.Errorf("revoke without reason = %d %q, want 422 with a message tied to the field", r.Status, r.message())
	}
	if r := h.get("", "/verifieer/"+code); !strings.Contains(r.Body, "Geldig certificaat") {
		t.Errorf("after a refused revocation the certificate is not valid: %q", r.message())
	}
	// Only an administrator may revoke.
	learner := "a@example.be"
	if r := h.post(learner, "/beheer/certificaten/"+code+"/intrekken", url.Values{"reden": {reason}}); r.Status != http.StatusForbidden {
		t.Errorf("revoke by a learner = %d, want 403", r.Status)
	}
	if r := h.post("", "/beheer/certificaten/"+code+"/intrekken", url.Values{"reden": {reason}}); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/aanmelden") {
		t.Errorf("revoke by a guest = %d to %q, want 303 to the login page", r.Status, r.Header.Get("Location"))
	}

	r = h.post(admin, "/beheer/certificaten/"+strings.ToLower(code)+"/intrekken", url.Values{"reden": {reason}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/beheer/certificaten/"+FormatCode(code) {
		t.Fatalf("revoke = %d to %q, want 303 to the certificate (%s)", r.Status, r.Header.Get("Location"), r.message())
	}

	r = h.get("", "/verifieer/"+FormatCode(code))
	today := brusselsToday(t)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Ingetrokken certificaat") || !strings.Contains(r.Body, "ingetrokken op "+today) {
		t.Errorf("verification after revocation = %d, want 200 with 'ingetrokken op %s' (%s)", r.Status, today, r.message())
	}
	if strings.Contains(r.Body, "Geldig certificaat") || strings.Contains(r.Body, reason) {
		t.Errorf("verification after revocation says valid or leaks the reason")
	}

	// The administrator sees the reason; a second revocation changes nothing.
	if r := h.get(admin, "/beheer/certificaten?q="+url.QueryEscape("peeters")); r.Status != http.StatusOK || !strings.Contains(r.Body, FormatCode(code)) || !strings.Contains(r.Body, "Ingetrokken op "+today) {
		t.Errorf("admin search = %d, want the revoked certificate listed", r.Status)
	}
	if r := h.get(admin, "/beheer/certificaten/"+FormatCode(code)); !strings.Contains(r.Body, reason) || strings.Contains(r.Body, `name="reden"`) {
		t.Errorf("admin page of a revoked certificate: reason shown %v, form gone %v", strings.Contains(r.Body, reason), !strings.Contains(r.Body, `name="reden"`))
	}
	r = h.post(admin, "/beheer/certificaten/"+code+"/intrekken", url.Values{"reden": {"Nog een keer"}})
	if r.Status != http.StatusSeeOther {
		t.Errorf("second revoke = %d, want 303", r.Status)
	}
	if got, _ := h.store.ByCode(context.Background(), code); got.RevokedReason.String != reason {
		t.Errorf("reason after second revoke = %q, want %q", got.RevokedReason.String, reason)
	}
	// The learner can no longer download it.
	if r := h.get(learner, DownloadPath(code)); r.Status != http.StatusGone {
		t.Errorf("download of a revoked certificate = %d, want 410", r.Status)
	}
}

func TestVerifyThrottled(t *testing.T) {
	h := newHarness(t)
	unknown, _ := NewCode()
	path := "/verifieer/" + unknown
	for i := range verifyBurst {
		if r := h.get("", path); r.Status != http.StatusNotFound {
			t.Fatalf("lookup %d = %d, want 404 before the limit", i+1, r.Status)
		}
	}
	r := h.get("", path)
	if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "te veel codes") || r.Header.Get("Retry-After") == "" {
		t.Errorf("lookup %d = %d %q (Retry-After %q), want 429 with a Dutch message", verifyBurst+1, r.Status, r.message(), r.Header.Get("Retry-After"))
	}
	// Malformed codes count too, but the empty form does not.
	if r := h.get("", "/verifieer/x"); r.Status != http.StatusTooManyRequests {
		t.Errorf("malformed lookup over the limit = %d, want 429", r.Status)
	}
	if r := h.get("", "/verifieer"); r.Status != http.StatusOK {
		t.Errorf("the form over the limit = %d, want 200", r.Status)
	}
}

func TestThrottleRefillsAndForgets(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	th := newIPThrottle(time.Second, 2)
	th.now = func() time.Time { return now }
	for i, want := range []bool{true, true, false} {
		if got := th.Allow("192.0.2.1"); got != want {
			t.Errorf("lookup %d = %v, want %v", i+1, got, want)
		}
	}
	if !th.Allow("192.0.2.2") {
		t.Errorf("another IP is throttled with the first")
	}
	now = now.Add(time.Second)
	if !th.Allow("192.0.2.1") {
		t.Errorf("no lookup allowed after the interval")
	}
	now = now.Add(2 * verifyForget)
	th.Allow("192.0.2.3")
	if n := len(th.clients); n != 1 {
		t.Errorf("clients remembered after a long idle time = %d, want 1", n)
	}
}

// twoOrgs sets up two organisations, each with a manager and two learners
// who completed a module, and a team in each.
type twoOrgs struct {
	orgA, orgB                  int64
	teamA, teamB                int64
	managerA, managerB          string
	zoe, bart, carl             string // learners: zoe and bart in A, carl in B
	zoeID, bartID, carlID       int64
	modA, modB                  int64
	zoeCode, bartCode, carlCode string
}

func (h *harness) twoOrgs() twoOrgs {
	var s twoOrgs
	s.orgA = insertOrg(h.t, h.db, "OCMW Aalst")
	s.orgB = insertOrg(h.t, h.db, "OCMW Brugge")
	s.teamA = insertTeam(h.t, h.db, s.orgA, "Onthaal")
	s.teamB = insertTeam(h.t, h.db, s.orgB, "Onthaal")
	s.managerA, _ = h.person(s.orgA, "OCMW Aalst", "manager", "manager@aalst.be", "Mia Manager")
	s.managerB, _ = h.person(s.orgB, "OCMW Brugge", "manager", "manager@brugge.be", "Bob Manager")
	s.zoe, s.zoeID = h.person(s.orgA, "OCMW Aalst", "learner", "zoe@aalst.be", "Zoë Ijzerman")
	s.bart, s.bartID = h.person(s.orgA, "OCMW Aalst", "learner", "bart@aalst.be", "Bart Øster")
	s.carl, s.carlID = h.person(s.orgB, "OCMW Brugge", "learner", "carl@brugge.be", "Carl Brugman")
	joinTeam(h.t, h.db, s.teamA, s.zoeID)
	joinTeam(h.t, h.db, s.teamB, s.carlID)
	s.modA = insertModule(h.t, h.db, "online-informeren", "Online informeren", 150)
	s.modB = insertModule(h.t, h.db, "online-contacteren", "Online contacteren", 120)
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for _, id := range []int64{s.zoeID, s.bartID, s.carlID} {
		completeModule(h.t, h.db, h.iss, id, s.modA, at)
	}
	completeModule(h.t, h.db, h.iss, s.zoeID, s.modB, at)
	completeProgramme(h.t, h.db, h.iss, s.zoeID, at)
	s.zoeCode, s.bartCode, s.carlCode = h.codeOf(s.zoeID, s.modA), h.codeOf(s.bartID, s.modA), h.codeOf(s.carlID, s.modA)
	return s
}

func TestDownloadOnlyByOwner(t *testing.T) {
	h := newHarness(t)
	s := h.twoOrgs()
	path := DownloadPath(s.zoeCode)

	r := h.get(s.zoe, path)
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF-") {
		t.Fatalf("owner download = %d %s, want 200 with a PDF (%s)", r.Status, r.Header.Get("Content-Type"), r.message())
	}
	want := `attachment; filename="Certificaat-Online-informeren-Zoe-Ijzerman.pdf"; filename*=UTF-8''Certificaat-Online%20informeren-Zo%C3%AB%20Ijzerman.pdf`
	if got := r.Header.Get("Content-Disposition"); got != want {
		t.Errorf("Content-Disposition = %s\nwant %s", got, want)
	}
	file := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(file, []byte(r.Body), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, "qpdf", "--check", file)
	if text := pdfText(t, file); !strings.Contains(text, "Zoë Ijzerman") || !strings.Contains(text, FormatCode(s.zoeCode)) {
		t.Errorf("downloaded PDF lacks the name or the code")
	}
	if got, want := decodeQR(t, file), VerifyURL(h.srv.URL, s.zoeCode); got != want {
		t.Errorf("QR code = %q, want %q", got, want)
	}
	// The same certificate, typed in lowercase without hyphens.
	if r := h.get(s.zoe, "/certificaten/"+strings.ToLower(s.zoeCode)+".pdf"); r.Status != http.StatusOK {
		t.Errorf("owner download, lowercase code = %d, want 200", r.Status)
	}

	refused := map[string]string{
		"learner of the same organisation": s.bart,
		"manager of the same organisation": s.managerA,
		"manager of another organisation":  s.managerB,
		"learner of another organisation":  s.carl,
	}
	for who, as := range refused {
		if r := h.get(as, path); r.Status != http.StatusNotFound || strings.HasPrefix(r.Body, "%PDF") {
			t.Errorf("download by %s = %d, want 404", who, r.Status)
		}
	}
	if r := h.get("", path); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/aanmelden?terug=") {
		t.Errorf("download by a guest = %d to %q, want 303 to the login page", r.Status, r.Header.Get("Location"))
	}
	for _, bad := range []string{"/certificaten/" + FormatCode(s.zoeCode), "/certificaten/nonsense.pdf", "/certificaten/" + s.carlCode + ".pdf"} {
		if r := h.get(s.zoe, bad); r.Status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", bad, r.Status)
		}
	}

	// The learner's list links to the downloads.
	r = h.get(s.zoe, "/certificaten")
	for _, want := range []string{DownloadPath(s.zoeCode), ProgrammeTitle, "Online contacteren"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("list lacks %q", want)
		}
	}
	if strings.Contains(r.Body, s.bartCode) || strings.Contains(r.Body, FormatCode(s.bartCode)) {
		t.Errorf("list shows someone else's certificate")
	}
}

// zipEntries reads a ZIP answer, checks each PDF with qpdf and returns
// the entry names, sorted, and the concatenated text of the PDFs.
func zipEntries(t *testing.T, body string) ([]string, string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatalf("read ZIP: %v", err)
	}
	dir := t.TempDir()
	var names []string
	var text strings.Builder
	for i, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		if len(data) > maxPDFSize {
			t.Errorf("%s is %d bytes, want at most %d", f.Name, len(data), maxPDFSize)
		}
		path := filepath.Join(dir, strings.Repeat("x", i+1)+".pdf")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		run(t, "qpdf", "--check", path)
		text.WriteString(pdfText(t, path))
	}
	sort.Strings(names)
	return names, text.String()
}

func TestTeamZIPOnlyOwnOrganisation(t *testing.T) {
	h := newHarness(t)
	s := h.twoOrgs()
	// A revoked certificate stays out of the ZIP.
	if _, err := h.store.Revoke(context.Background(), h.codeOf(s.zoeID, s.modB), 0, "test"); err != nil {
		t.Fatal(err)
	}

	r := h.get(s.managerA, "/team/certificaten.zip")
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("manager A ZIP = %d %s, want 200 application/zip (%s)", r.Status, r.Header.Get("Content-Type"), r.message())
	}
	if got := r.Header.Get("Content-Disposition"); !strings.Contains(got, `filename="Certificaten-OCMW-Aalst.zip"`) {
		t.Errorf("ZIP Content-Disposition = %q", got)
	}
	names, text := zipEntries(t, r.Body)
	want := []string{
		"Certificaat-Online informeren-Bart Øster.pdf",
		"Certificaat-Online informeren-Zoë Ijzerman.pdf",
		"Certificaat-" + ProgrammeTitle + "-Zoë Ijzerman.pdf",
	}
	sort.Strings(want)
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Errorf("ZIP of organisation A holds\n%s\nwant\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(text, "Carl Brugman") || strings.Contains(text, "OCMW Brugge") {
		t.Errorf("ZIP of organisation A holds a certificate of organisation B")
	}

	// One team of the manager's own organisation.
	r = h.get(s.managerA, "/team/certificaten.zip?team="+itoa(s.teamA))
	if r.Status != http.StatusOK {
		t.Fatalf("manager A ZIP of own team = %d, want 200 (%s)", r.Status, r.message())
	}
	if names, _ := zipEntries(t, r.Body); len(names) != 2 || strings.Contains(strings.Join(names, ""), "Bart") {
		t.Errorf("team ZIP holds %q, want Zoë's two valid certificates", names)
	}

	// Manager B gets only B's certificate.
	r = h.get(s.managerB, "/team/certificaten.zip")
	if names, _ := zipEntries(t, r.Body); len(names) != 1 || names[0] != "Certificaat-Online informeren-Carl Brugman.pdf" {
		t.Errorf("ZIP of organisation B holds %q, want Carl's certificate only", names)
	}

	refused := []struct {
		who, as, path string
		status        int
	}{
		{"manager A, team of B", s.managerA, "/team/certificaten.zip?team=" + itoa(s.teamB), http.StatusNotFound},
		{"manager A, unknown team", s.managerA, "/team/certificaten.zip?team=999999", http.StatusNotFound},
		{"manager A, bad team id", s.managerA, "/team/certificaten.zip?team=abc", http.StatusNotFound},
		{"manager A, organisation id in the request", s.managerA, "/team/certificaten.zip?organisation=" + itoa(s.orgB), http.StatusOK},
		{"learner", s.zoe, "/team/certificaten.zip", http.StatusForbidden},
		{"guest", "", "/team/certificaten.zip", http.StatusSeeOther},
	}
	for _, tt := range refused {
		r := h.get(tt.as, tt.path)
		if r.Status != tt.status {
			t.Errorf("%s: GET %s = %d, want %d", tt.who, tt.path, r.Status, tt.status)
			continue
		}
		if r.Status == http.StatusOK {
			if _, text := zipEntries(t, r.Body); strings.Contains(text, "Carl Brugman") {
				t.Errorf("%s: ZIP holds a certificate of organisation B", tt.who)
			}
		} else if strings.HasPrefix(r.Body, "PK") {
			t.Errorf("%s: got a ZIP", tt.who)
		}
	}

	// An organisation without certificates gets a page, not an empty ZIP.
	orgC := insertOrg(t, h.db, "OCMW Chaudfontaine")
	managerC, _ := h.person(orgC, "OCMW Chaudfontaine", "manager", "m@c.be", "Chris")
	if r := h.get(managerC, "/team/certificaten.zip"); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "nog geen geldige certificaten") {
		t.Errorf("empty organisation ZIP = %d %q, want 404 with a message", r.Status, r.message())
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestUniqueName(t *testing.T) {
	used := map[string]int{}
	got := []string{uniqueName(used, "a.pdf"), uniqueName(used, "a.pdf"), uniqueName(used, "a (2).pdf"), uniqueName(used, "a.pdf")}
	want := []string{"a.pdf", "a (2).pdf", "a (2) (2).pdf", "a (3).pdf"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("uniqueName = %q, want %q", got, want)
	}
}
