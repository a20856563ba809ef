package e2e

import (
	"encoding/json"
	"fmt"
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

// pageCase is one page type as one role sees it.
type pageCase struct {
	role   string // guest, learner, manager, trainer, admin
	label  string
	path   string
	status int
}

var revisionLinkRe = regexp.MustCompile(`href="(/auteur/modules/[^"]+/versies/\d+)"`)

// TestEveryPageTypeIsValidAndAccessible signs in as each role and checks
// every page type the platform has — catalogue, lesson, search with and
// without results, 404, login, dashboard, quiz form and review, profile,
// certificates and their verification, the manager's reports and
// organisation pages, the admin pages and the trainer's authoring pages —
// with the W3C HTML validator (vnu) and with axe-core in headless Chromium.
func TestEveryPageTypeIsValidAndAccessible(t *testing.T) {
	const (
		mod1 = "online-informeren"  // completed by the learner: certificate, review
		mod2 = "online-contacteren" // an open attempt: the quiz form
		mod3 = "online-begeleiden"  // not started: the quiz's intro
	)
	vnu := filepath.Join(apptest.RepoRoot(t), "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(vnu); err != nil {
		t.Fatalf("the HTML validator is not installed (%v): run `make test` or `npm ci`", err)
	}
	if _, err := exec.LookPath("java"); err != nil {
		t.Fatalf("java not found (needed by the HTML validator): run `make test` as root or `apt-get install default-jre-headless`")
	}

	env := apptest.New(t)
	org := env.CreateOrg("OCMW Paginadorp")
	team := env.CreateTeam(org, "Sociale dienst")
	learnerID, pw := env.CreateUser(org, "learner", "lena@paginadorp.be", "Lena Lerende")
	managerID, _ := env.CreateUser(org, "manager", "mo@paginadorp.be", "Mo Manager")
	env.CreateUser(0, "trainer", "tom@paginadorp.be", "Tom Trainer")
	env.CreateUser(0, "admin", "ada@paginadorp.be", "Ada Admin")
	env.AddToTeam(team, learnerID)
	env.AddToTeam(team, managerID)
	emails := map[string]string{"learner": "lena@paginadorp.be", "manager": "mo@paginadorp.be", "trainer": "tom@paginadorp.be", "admin": "ada@paginadorp.be"}
	clients := map[string]*apptest.Client{"guest": env.Client()}
	for role, email := range emails {
		clients[role] = env.Client()
		clients[role].Login(email, pw)
	}

	// The learner completes module 1 (certificate, a reviewed attempt) and
	// opens an attempt in module 2.
	lc := clients["learner"]
	var lessons []string
	if err := env.DB.Select(&lessons, `SELECT l.slug FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.slug = $1 ORDER BY l.position`, mod1); err != nil || len(lessons) == 0 {
		t.Fatalf("lessons: %v %v", lessons, err)
	}
	for _, l := range lessons {
		lc.PostForm("/modules/"+mod1+"/"+l+"/gelezen", nil)
	}
	form := lc.PostForm("/quiz/"+mod1+"/start", nil)
	answers := url.Values{}
	if m := fuzzAttemptRe.FindStringSubmatch(form.Body); m != nil {
		answers.Set("poging", m[1])
	}
	answers.Set("volgnummer", "1")
	seen := map[string]bool{}
	for _, o := range fuzzOptionRe.FindAllStringSubmatch(form.Body, -1) {
		if seen[o[1]] {
			continue
		}
		seen[o[1]] = true
		var ids []int64
		if err := env.DB.Select(&ids, `SELECT id FROM options WHERE question_id = $1 AND correct`, o[1]); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			answers.Add("vraag-"+o[1], fmt.Sprint(id))
		}
	}
	if r := lc.PostForm("/quiz/"+mod1, answers); !strings.Contains(r.URL.Path, "/poging/1") {
		t.Fatalf("submit quiz: at %s (status %d), want the review; page says %q", r.URL.Path, r.Status, r.Flash())
	}
	lc.PostForm("/quiz/"+mod2+"/start", nil)
	var code string
	if err := env.DB.Get(&code, `SELECT code FROM certificates WHERE user_id = $1`, learnerID); err != nil {
		t.Fatalf("the learner's certificate: %v", err)
	}
	verify := "/verifieer/" + certificate.FormatCode(code)
	unknown, err := certificate.NewCode()
	if err != nil {
		t.Fatal(err)
	}
	// The trainer saves a lesson once, so that it has a revision.
	tc := clients["trainer"]
	edit := "/auteur/modules/" + mod1 + "/lessen/" + lessons[0]
	var title, body string
	var minutes int
	if err := env.DB.QueryRow(`SELECT l.title, l.minutes, l.body_md FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.slug = $1 AND l.slug = $2`,
		mod1, lessons[0]).Scan(&title, &minutes, &body); err != nil {
		t.Logf("lesson source for the authoring form: %v", err)
	}
	version := ""
	if m := regexp.MustCompile(`name="version" value="(\d*)"`).FindStringSubmatch(tc.Get(edit).Body); m != nil {
		version = m[1]
	}
	tc.PostForm(edit, url.Values{"version": {version}, "title": {title}, "slug": {lessons[0]}, "minutes": {fmt.Sprint(minutes)},
		"body": {body + "\n\nEen zin erbij."}, "action": {"save"}})

	lesson := "/modules/" + mod1 + "/" + lessons[0]
	cases := []pageCase{
		{"guest", "home", "/", 200},
		{"guest", "module", "/modules/" + mod1, 200},
		{"guest", "lesson", lesson, 200},
		{"guest", "search with results", "/zoeken?q=informeren", 200},
		{"guest", "search without results", "/zoeken?q=xylofoonzzq", 200},
		{"guest", "search form", "/zoeken", 200},
		{"guest", "404", "/bestaat-niet", 404},
		{"guest", "login", "/aanmelden", 200},
		{"guest", "forgotten password", "/wachtwoord-vergeten", 200},
		{"guest", "verify form", "/verifieer", 200},
		{"guest", "verify a valid code", verify, 200},
		{"guest", "verify an unknown code", "/verifieer/" + certificate.FormatCode(unknown), 404},
		{"guest", "verify a mistyped code", "/verifieer/ABCD-EFGH", 400},
		{"guest", "accessibility statement", "/toegankelijkheid", 200},
		{"learner", "dashboard", "/mijn-leertraject", 200},
		{"learner", "lesson signed in", lesson, 200},
		{"learner", "quiz intro", "/quiz/" + mod3, 200},
		{"learner", "quiz form", "/quiz/" + mod2, 200},
		{"learner", "quiz review", "/quiz/" + mod1 + "/poging/1", 200},
		{"learner", "profile", "/profiel", 200},
		{"learner", "password change", "/profiel/wachtwoord", 200},
		{"learner", "privacy", "/profiel/privacy", 200},
		{"learner", "certificates", "/certificaten", 200},
		{"manager", "report dashboard", "/rapport", 200},
		{"manager", "report people", "/rapport/mensen", 200},
		{"manager", "report person", fmt.Sprintf("/rapport/mensen/%d", learnerID), 200},
		{"manager", "report questions", "/rapport/vragen", 200},
		{"manager", "organisation", "/organisatie", 200},
		{"manager", "invite", "/organisatie/uitnodigen", 200},
		{"manager", "organisation person", fmt.Sprintf("/organisatie/mensen/%d", learnerID), 200},
		{"manager", "403", "/beheer", 403},
		{"trainer", "authoring index", "/auteur", 200},
		{"trainer", "authoring module", "/auteur/modules/" + mod1, 200},
		{"trainer", "authoring lesson", "/auteur/modules/" + mod1 + "/lessen/" + lessons[0], 200},
		{"trainer", "authoring new lesson", "/auteur/modules/" + mod1 + "/nieuwe-les", 200},
		{"trainer", "authoring quiz", "/auteur/modules/" + mod1 + "/quiz", 200},
		{"trainer", "authoring images", "/auteur/modules/" + mod1 + "/afbeeldingen", 200},
		{"trainer", "authoring revisions", "/auteur/modules/" + mod1 + "/lessen/" + lessons[0] + "/versies", 200},
		{"trainer", "question statistics", "/statistieken/vragen", 200},
		{"admin", "admin index", "/beheer", 200},
		{"admin", "admin organisation", fmt.Sprintf("/beheer/organisaties/%d", org), 200},
		{"admin", "admin mail", "/beheer/mail", 200},
		{"admin", "admin certificates", "/beheer/certificaten", 200},
		{"admin", "admin certificate", "/beheer/certificaten/" + certificate.FormatCode(code), 200},
	}
	if m := revisionLinkRe.FindStringSubmatch(clients["trainer"].Get("/auteur/modules/" + mod1 + "/lessen/" + lessons[0] + "/versies").Body); m != nil {
		cases = append(cases, pageCase{"trainer", "authoring revision", m[1], 200})
	} else {
		t.Logf("no revision link on the revisions page: the revision page is not checked")
	}

	// The HTML validator, over every page at once (the JVM starts once).
	dir := t.TempDir()
	files := map[string]string{} // file name → label
	var paths []string
	add := func(label string, r *apptest.Response) {
		name := filepath.Join(dir, fmt.Sprintf("page%02d.html", len(files)))
		if err := os.WriteFile(name, []byte(r.Body), 0o644); err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(name)] = label
		paths = append(paths, name)
	}
	for _, pc := range cases {
		r := clients[pc.role].Get(pc.path)
		if r.Status != pc.status {
			t.Errorf("%s as %s (%s): status %d, want %d; page says %q", pc.label, pc.role, pc.path, r.Status, pc.status, r.Flash())
			continue
		}
		add(pc.role+" "+pc.label+" "+pc.path, r)
	}
	// Forms showing their errors (422) are page types of their own.
	bad := env.Client().PostForm("/aanmelden", url.Values{"email": {"lena@paginadorp.be"}, "wachtwoord": {"fout wachtwoord"}})
	add("guest login with an error", bad)
	add("learner profile with an error", lc.PostForm("/profiel", url.Values{"naam": {""}, "taal": {"nl"}}))
	add("guest feedback form with an error", env.Client().PostForm("/toegankelijkheid", url.Values{"bericht": {""}, "contact": {"geen-adres"}}))
	validate(t, vnu, paths, files)

	// axe-core in Chromium, one browser per role, at a desktop's width and
	// at the 320 px of WCAG 1.4.10, where no page may scroll sideways. At
	// the desktop width every focus indicator is measured too.
	for _, role := range []string{"guest", "learner", "manager", "trainer", "admin"} {
		t.Run("axe "+role, func(t *testing.T) {
			b := apptest.NewBrowser(t)
			if role != "guest" {
				b.Login(env.Server.URL, emails[role], pw)
			}
			for _, width := range []int64{1280, apptest.Narrow} {
				b.SetWidth(width)
				for _, pc := range cases {
					if pc.role != role {
						continue
					}
					label := fmt.Sprintf("%s at %d px", pc.label, width)
					b.Navigate(env.URL(pc.path))
					b.Axe(t, label)
					if width == apptest.Narrow {
						b.NoOverflow(t, label)
					} else {
						checkFocusRings(t, b, label)
					}
				}
			}
			b.NoConsoleErrors(t)
		})
	}
}

// checkFocusRings tabs through the page the browser shows and fails t for
// every element whose focus indicator is missing, thinner than 2 px or
// below 3:1 against the colour behind it (WCAG 1.4.11 and 2.4.7).
func checkFocusRings(t *testing.T, b *apptest.Browser, label string) {
	t.Helper()
	rings := b.FocusRings(200)
	if len(rings) == 0 {
		t.Errorf("focus %s: no element took the focus from the keyboard", label)
	}
	for _, r := range rings {
		if r.Style == "none" || r.Width < 2 || r.Contrast < 3 {
			t.Errorf("focus %s: %s has a %s %.0f px outline %s on %s, contrast %.2f:1; want a 2 px or wider outline of at least 3:1",
				label, r.Element, r.Style, r.Width, r.Color, r.Background, r.Contrast)
		}
	}
}

type vnuReport struct {
	Messages []struct {
		Type      string `json:"type"`
		SubType   string `json:"subType"`
		URL       string `json:"url"`
		LastLine  int    `json:"lastLine"`
		Message   string `json:"message"`
		Extract   string `json:"extract"`
		FirstLine int    `json:"firstLine"`
	} `json:"messages"`
}

// validate runs the Nu HTML Checker over files and fails t with every
// error, named by the page's label.
func validate(t *testing.T, vnu string, paths []string, labels map[string]string) {
	t.Helper()
	args := append([]string{"-jar", vnu, "--format", "json", "--stdout", "--errors-only"}, paths...)
	cmd := exec.Command("java", args...)
	out, err := cmd.Output()
	var rep vnuReport
	if jerr := json.Unmarshal(out, &rep); jerr != nil {
		t.Fatalf("vnu: %v (%v)\n%s", jerr, err, tail(string(out), 2000))
	}
	n := 0
	for _, m := range rep.Messages {
		if m.Type != "error" && m.SubType != "fatal" {
			continue
		}
		n++
		t.Errorf("HTML validator, %s line %d: %s\n    %s", labels[filepath.Base(m.URL)], m.LastLine, m.Message, strings.TrimSpace(m.Extract))
	}
	if n == 0 && err != nil {
		t.Errorf("vnu exited with %v but reported no errors:\n%s", err, tail(string(out), 2000))
	}
	t.Logf("HTML validator: %d pages, %d errors", len(paths), n)
}
