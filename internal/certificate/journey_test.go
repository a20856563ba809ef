package certificate_test

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/certificate"
)

// TestCertificateJourney runs the real platform: a learner completes a
// module, finds the certificate on "Mijn leertraject", downloads it;
// anyone verifies it by its URL; other people cannot download it; the
// managers get only their own organisation's ZIP; an administrator revokes
// it and the verification page says so.
func TestCertificateJourney(t *testing.T) {
	env := apptest.New(t)
	ctx := context.Background()
	orgA := env.CreateOrg("OCMW Sint-Niklaas")
	orgB := env.CreateOrg("OCMW Brugge")
	const name = "Zoë Ĳzerman-D’Hondt"
	zoeID, pw := env.CreateUser(orgA, "learner", "zoe@sint-niklaas.be", name)
	env.CreateUser(orgA, "learner", "bart@sint-niklaas.be", "Bart Peeters")
	env.CreateUser(orgA, "manager", "mia@sint-niklaas.be", "Mia Manager")
	env.CreateUser(orgB, "learner", "carl@brugge.be", "Carl Brugman")
	env.CreateUser(orgB, "manager", "bob@brugge.be", "Bob Manager")
	env.CreateUser(0, "admin", "admin@nabij.be", "Ada Admin")

	// The learner has read all lessons of the first module but the last,
	// and passed its quiz; reading the last lesson completes the module.
	var mod struct {
		ID    int64  `db:"id"`
		Slug  string `db:"slug"`
		Title string `db:"title"`
	}
	if err := env.DB.GetContext(ctx, &mod, `SELECT id, slug, title FROM modules ORDER BY position LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	var lessons []string
	if err := env.DB.SelectContext(ctx, &lessons, `SELECT slug FROM lessons WHERE module_id = $1 ORDER BY position`, mod.ID); err != nil || len(lessons) == 0 {
		t.Fatalf("lessons of %s: %v (%d)", mod.Slug, err, len(lessons))
	}
	last := lessons[len(lessons)-1]
	env.DB.MustExec(`INSERT INTO lesson_progress (user_id, lesson_id, module_id)
		SELECT $1, id, module_id FROM lessons WHERE module_id = $2 AND slug <> $3`, zoeID, mod.ID, last)
	env.DB.MustExec(`INSERT INTO quiz_attempts (user_id, module_id, seq, layout, submitted_at, correct_count, question_count, score, passed)
		VALUES ($1, $2, 1, '{}', now(), 10, 10, 100, true)`, zoeID, mod.ID)

	zoe := env.Client()
	zoe.Login("zoe@sint-niklaas.be", pw)
	resp := zoe.PostForm("/modules/"+mod.Slug+"/"+last+"/gelezen", url.Values{})
	link := regexp.MustCompile(`href="(/certificaten/[0-9A-Z-]+\.pdf)"`).FindStringSubmatch(resp.Body)
	if link == nil {
		t.Fatalf("after completing %s, %s shows no certificate link; page says %q", mod.Slug, resp.URL.Path, resp.Flash())
	}
	var code string
	if err := env.DB.GetContext(ctx, &code, `SELECT code FROM certificates WHERE user_id = $1`, zoeID); err != nil {
		t.Fatalf("certificate row: %v", err)
	}
	if link[1] != certificate.DownloadPath(code) {
		t.Errorf("dashboard link = %s, want %s", link[1], certificate.DownloadPath(code))
	}

	// The download.
	resp = zoe.Get(link[1])
	if resp.Status != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download = %d %s, want a PDF; page says %q", resp.Status, resp.Header.Get("Content-Type"), resp.Flash())
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename*=UTF-8''Certificaat-`) || !strings.Contains(cd, "Zo%C3%AB%20%C4%B2zerman-D%E2%80%99Hondt.pdf") {
		t.Errorf("Content-Disposition = %q, want the exact name encoded", cd)
	}
	file := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(file, []byte(resp.Body), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("qpdf", "--check", file).CombinedOutput(); err != nil {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	}
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v", err)
	}
	verifyURL := env.Config.BaseURL + "/verifieer/" + certificate.FormatCode(code)
	for _, want := range []string{name, mod.Title, "OCMW Sint-Niklaas", certificate.FormatCode(code), verifyURL} {
		if !strings.Contains(string(text), want) {
			t.Errorf("certificate text lacks %q", want)
		}
	}

	// Anyone verifies it by the URL printed on it.
	guest := env.Client()
	resp = guest.Get(strings.TrimPrefix(verifyURL, env.Config.BaseURL))
	if resp.Status != http.StatusOK || !strings.Contains(resp.Body, "Geldig certificaat") || !strings.Contains(resp.Body, "Zoë Ĳzerman-D’Hondt") {
		t.Errorf("verification = %d, want valid with the name; page says %q", resp.Status, resp.Flash())
	}

	// Nobody else downloads it.
	for _, who := range []string{"bart@sint-niklaas.be", "mia@sint-niklaas.be", "carl@brugge.be", "bob@brugge.be"} {
		c := env.Client()
		c.Login(who, pw)
		if resp := c.Get(link[1]); resp.Status != http.StatusNotFound || strings.HasPrefix(resp.Body, "%PDF") {
			t.Errorf("download by %s = %d, want 404", who, resp.Status)
		}
	}
	if resp := guest.Get(link[1]); resp.URL.Path != "/aanmelden" || strings.HasPrefix(resp.Body, "%PDF") {
		t.Errorf("download by a guest ends at %s (%d), want the login page", resp.URL.Path, resp.Status)
	}

	// Each manager's ZIP holds their own organisation's certificates only.
	mia := env.Client()
	mia.Login("mia@sint-niklaas.be", pw)
	resp = mia.Get("/team/certificaten.zip")
	if resp.Status != http.StatusOK {
		t.Fatalf("manager ZIP = %d; page says %q", resp.Status, resp.Flash())
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(resp.Body)), int64(len(resp.Body)))
	if err != nil {
		t.Fatalf("manager ZIP: %v", err)
	}
	if len(zr.File) != 1 || !strings.Contains(zr.File[0].Name, "Zoë") {
		t.Errorf("manager A's ZIP holds %d files, want Zoë's certificate", len(zr.File))
	}
	bob := env.Client()
	bob.Login("bob@brugge.be", pw)
	if resp := bob.Get("/team/certificaten.zip"); resp.Status != http.StatusNotFound || strings.HasPrefix(resp.Body, "PK") {
		t.Errorf("manager B's ZIP = %d, want 404: B has no certificates", resp.Status)
	}
	carl := env.Client()
	carl.Login("carl@brugge.be", pw)
	if resp := carl.Get("/team/certificaten.zip"); resp.Status != http.StatusForbidden {
		t.Errorf("learner's ZIP = %d, want 403", resp.Status)
	}

	// The administrator revokes it, with a reason; the public page shows it.
	admin := env.Client()
	admin.Login("admin@nabij.be", pw)
	resp = admin.PostForm("/beheer/certificaten/"+certificate.FormatCode(code)+"/intrekken", url.Values{"reden": {"Op verzoek van de organisatie"}})
	if resp.Status != http.StatusOK || !strings.Contains(resp.Body, "Het certificaat is ingetrokken.") {
		t.Errorf("revoke = %d at %s; page says %q", resp.Status, resp.URL.Path, resp.Flash())
	}
	resp = guest.Get("/verifieer?code=" + url.QueryEscape(strings.ToLower(code[:10])+" "+strings.ToLower(code[10:])))
	if !strings.Contains(resp.Body, "Ingetrokken certificaat") || strings.Contains(resp.Body, "Op verzoek") {
		t.Errorf("verification after revocation: status %d, revoked shown %v, reason leaked %v",
			resp.Status, strings.Contains(resp.Body, "Ingetrokken certificaat"), strings.Contains(resp.Body, "Op verzoek"))
	}
}
