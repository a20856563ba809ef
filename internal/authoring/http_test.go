package authoring_test

import (
	"archive/zip"
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/database/dbtest"
)

const (
	moduleSlug = "online-informeren"
	lessonSlug = "heldere-taal"
	editorPath = "/auteur/modules/" + moduleSlug + "/lessen/" + lessonSlug
	lessonPath = "/modules/" + moduleSlug + "/" + lessonSlug
)

func signedIn(t *testing.T, env *apptest.Env, role, email string) *apptest.Client {
	t.Helper()
	org := int64(0)
	if role == "learner" || role == "manager" {
		org = env.CreateOrg("OCMW " + email)
	}
	_, pw := env.CreateUser(org, role, email, strings.ToUpper(role[:1])+role[1:]+" Test")
	c := env.Client()
	c.Login(email, pw)
	return c
}

var versionRe = regexp.MustCompile(`name="version" value="(\d+)"`)

func formVersion(t *testing.T, r *apptest.Response) string {
	t.Helper()
	m := versionRe.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no version field in the editor (status %d); page says %q", r.Status, r.Flash())
	}
	return m[1]
}

func TestOnlyTrainersAndAdminsReachAuthoring(t *testing.T) {
	env := apptest.New(t)
	paths := []string{"/auteur", "/auteur/modules/" + moduleSlug, editorPath, "/auteur/modules/" + moduleSlug + "/quiz", "/auteur/modules/" + moduleSlug + "/export.zip"}
	posts := []string{"/auteur/voorbeeld", "/auteur/importeren", "/auteur/modules/" + moduleSlug, editorPath,
		editorPath + "/verwijderen", "/auteur/modules/" + moduleSlug + "/quiz", "/auteur/modules/" + moduleSlug + "/volgorde",
		"/auteur/modules/" + moduleSlug + "/afbeeldingen", "/auteur/modules/" + moduleSlug + "/nieuwe-les"}

	guest := env.Client()
	for _, p := range paths {
		if r := guest.Get(p); r.URL.Path != "/aanmelden" {
			t.Errorf("guest GET %s: ended at %s (status %d), want the login page", p, r.URL.Path, r.Status)
		}
	}
	for _, p := range posts {
		if r := guest.PostForm(p, url.Values{"body": {"x"}}); r.URL.Path != "/aanmelden" {
			t.Errorf("guest POST %s: ended at %s (status %d), want the login page", p, r.URL.Path, r.Status)
		}
	}
	for _, role := range []string{"learner", "manager"} {
		c := signedIn(t, env, role, role+"@example.be")
		for _, p := range paths {
			if r := c.Get(p); r.Status != http.StatusForbidden {
				t.Errorf("%s GET %s: status %d, want 403", role, p, r.Status)
			}
		}
		for _, p := range posts {
			if r := c.PostForm(p, url.Values{"body": {"x"}, "action": {"publish"}}); r.Status != http.StatusForbidden {
				t.Errorf("%s POST %s: status %d, want 403", role, p, r.Status)
			}
		}
	}
	// Nothing was changed or deleted by the refused posts.
	if r := guest.Get(lessonPath); r.Status != http.StatusOK {
		t.Errorf("lesson after refused posts: status %d, want 200", r.Status)
	}
	for _, role := range []string{"trainer", "admin"} {
		c := signedIn(t, env, role, role+"@example.be")
		for _, p := range paths {
			if r := c.Get(p); r.Status != http.StatusOK {
				t.Errorf("%s GET %s: status %d, want 200; page says %q", role, p, r.Status, r.Flash())
			}
		}
	}
}

func TestDraftPublishAndConflictThroughTheBrowserForms(t *testing.T) {
	env := apptest.New(t)
	an := signedIn(t, env, "trainer", "an@example.be")
	bart := signedIn(t, env, "trainer", "bart@example.be")
	learner := signedIn(t, env, "learner", "lore@example.be")
	guest := env.Client()
	original := guest.Get(lessonPath).Body

	// Both trainers open the editor.
	formA := an.Get(editorPath)
	formB := bart.Get(editorPath)
	vA, vB := formVersion(t, formA), formVersion(t, formB)

	// Preview without JavaScript stores nothing.
	r := an.PostForm(editorPath, url.Values{"version": {vA}, "title": {"Heldere taal"}, "minutes": {"12"}, "body": {"## Voorbeeldkop\n\nVOORBEELDTEKST"}, "action": {"preview"}})
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "<h2>Voorbeeldkop</h2>") {
		t.Errorf("preview: status %d, want 200 with the rendered heading; page says %q", r.Status, r.Flash())
	}

	// An saves a draft: learners and guests still see the published text.
	r = an.PostForm(editorPath, url.Values{"version": {vA}, "title": {"Heldere taal"}, "minutes": {"12"}, "body": {"## Nieuw\n\nCONCEPTTEKST van An."}, "action": {"save"}})
	if r.Status != http.StatusOK || r.URL.Path != editorPath {
		t.Fatalf("save draft: status %d at %s; page says %q", r.Status, r.URL.Path, r.Flash())
	}
	for name, c := range map[string]*apptest.Client{"guest": guest, "learner": learner} {
		if got := c.Get(lessonPath); strings.Contains(got.Body, "CONCEPTTEKST") {
			t.Errorf("%s sees the draft on %s", name, lessonPath)
		}
	}

	// Bart saves on the version he opened: refused, his text stays.
	r = bart.PostForm(editorPath, url.Values{"version": {vB}, "title": {"Heldere taal"}, "minutes": {"12"}, "body": {"Tekst van BART die niet verloren mag gaan."}, "action": {"publish"}})
	if r.Status != http.StatusConflict {
		t.Errorf("stale save: status %d, want 409; page says %q", r.Status, r.Flash())
	}
	if !strings.Contains(r.Body, "Tekst van BART die niet verloren mag gaan.") {
		t.Errorf("stale save: Bart's text is not in the form any more")
	}
	if !strings.Contains(r.Flash(), "andere trainer") {
		t.Errorf("stale save: message %q, want one about another trainer", r.Flash())
	}
	if got := guest.Get(lessonPath).Body; got != original {
		t.Errorf("a refused publish changed the published lesson")
	}

	// An publishes; now everyone sees it.
	v := formVersion(t, an.Get(editorPath))
	r = an.PostForm(editorPath, url.Values{"version": {v}, "title": {"Heldere taal"}, "minutes": {"12"}, "body": {"## Nieuw\n\nGEPUBLICEERD door An."}, "action": {"publish"}})
	if r.Status != http.StatusOK || !strings.Contains(r.Flash(), "Gepubliceerd") {
		t.Fatalf("publish: status %d; page says %q", r.Status, r.Flash())
	}
	if got := guest.Get(lessonPath); !strings.Contains(got.Body, "GEPUBLICEERD door An.") {
		t.Errorf("guest does not see the published text")
	}

	// Publishing a broken image link is refused, with the reason.
	v = formVersion(t, an.Get(editorPath))
	r = an.PostForm(editorPath, url.Values{"version": {v}, "title": {"Heldere taal"}, "minutes": {"12"}, "body": {"## Kop\n\n![Kaart](media/weg.png)"}, "action": {"publish"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(r.Body), "bestaat niet") {
		t.Errorf("publish with a broken image: status %d, want 422 with 'bestaat niet'; page says %q", r.Status, r.Flash())
	}

	// The revisions page lists the saves.
	if r := an.Get(editorPath + "/versies"); r.Status != http.StatusOK || strings.Count(r.Body, "/versies/") < 3 {
		t.Errorf("revisions page: status %d, want 200 listing at least 3 versions", r.Status)
	}
}

func multipartPost(t *testing.T, env *apptest.Env, c *apptest.Client, path, field, filename string, data []byte) *apptest.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, err := w.CreateFormFile(field, filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	w.Close()
	req, err := http.NewRequest(http.MethodPost, env.URL(path), &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", env.Server.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Do(req)
}

func TestUploadRefusesTricks(t *testing.T) {
	env := apptest.New(t)
	trainer := signedIn(t, env, "trainer", "trainer@example.be")
	path := "/auteur/modules/" + moduleSlug + "/afbeeldingen"
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	for _, tc := range []struct {
		name, file string
		data       []byte
		status     int
	}{
		{"text with a png extension", "foto.png", []byte("dit is geen afbeelding"), 422},
		{"path trick", "../../etc/passwd.png", []byte("root:x:0:0:root:/root:/bin/bash\n"), 422},
		{"svg", "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`), 422},
		{"html as jpg", "x.jpg", []byte("<html><script>alert(1)</script></html>"), 422},
		{"oversize png", "groot.png", append(png, make([]byte, 3<<20)...), 413},
	} {
		r := multipartPost(t, env, trainer, path, "afbeelding", tc.file, tc.data)
		if r.Status != tc.status {
			t.Errorf("%s: status %d, want %d; page says %q", tc.name, r.Status, tc.status, r.Flash())
		}
	}
	var n int
	env.MustGet(&n, `SELECT count(*) FROM media WHERE name LIKE 'upload-%' OR name LIKE '%passwd%'`)
	if n != 0 {
		t.Errorf("refused uploads stored %d media rows", n)
	}
	// A real PNG with a path trick in its name is stored under the
	// platform's name.
	r := multipartPost(t, env, trainer, path, "afbeelding", "../../etc/passwd.png", png)
	if r.Status != http.StatusOK || !strings.Contains(r.Flash(), "media/upload-") {
		t.Fatalf("png upload: status %d; page says %q", r.Status, r.Flash())
	}
	var names []string
	env.MustSelect(&names, `SELECT name FROM media WHERE name LIKE 'upload-%' OR name LIKE '%passwd%' OR name LIKE '%/%'`)
	if len(names) != 1 || !regexp.MustCompile(`^upload-[0-9a-f]{16}\.png$`).MatchString(names[0]) {
		t.Errorf("stored names = %q, want one upload-HASH.png", names)
	}
	img := env.Client().Get("/media/" + moduleSlug + "/" + names[0])
	if img.Status != 200 || img.Header.Get("Content-Type") != "image/png" || img.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("serving the upload: status %d, type %q, nosniff %q", img.Status, img.Header.Get("Content-Type"), img.Header.Get("X-Content-Type-Options"))
	}
}

// TestTrainerMarkdownIsInertForLearners publishes hostile Markdown and
// opens the lesson in headless Chromium: nothing in it may run.
func TestTrainerMarkdownIsInertForLearners(t *testing.T) {
	env := apptest.New(t)
	trainer := signedIn(t, env, "trainer", "trainer@example.be")
	hostile := strings.Join([]string{
		"## Gewone kop",
		"",
		"<script>window.pwned = 1; document.title = 'PWNED'</script>",
		"",
		`<img src="x" onerror="window.pwned = 2; document.title = 'PWNED'">`,
		"",
		`<div onmouseover="window.pwned = 3">raw html</div>`,
		"",
		"[klik hier](javascript:window.pwned=4)",
		"",
		`<a href="javascript:window.pwned=5">link</a>`,
		"",
		`<iframe src="javascript:parent.pwned=6"></iframe>`,
		"",
		`<a href="jav&#x09;ascript:window.pwned=7">tab trick</a> [tab](jav&#x09;ascript:window.pwned=9)`,
		"",
		`<svg onload="window.pwned=8"></svg>`,
		"",
		"Slot van de les: ZICHTBAAR.",
	}, "\n")
	v := formVersion(t, trainer.Get(editorPath))
	r := trainer.PostForm(editorPath, url.Values{"version": {v}, "title": {"Heldere taal"}, "minutes": {"12"}, "body": {hostile}, "action": {"publish"}})
	if r.Status != http.StatusOK {
		t.Fatalf("publish: status %d; page says %q", r.Status, r.Flash())
	}
	page := env.Client().Get(lessonPath).Body
	for _, bad := range []string{"<script>window", "onerror", "onmouseover", "onload", "javascript:", "<iframe"} {
		if strings.Contains(page, bad) {
			t.Errorf("lesson HTML contains %q", bad)
		}
	}

	b := apptest.NewBrowser(t)
	b.Navigate(env.URL(lessonPath))
	pwned := apptest.Result(b, chromedp.Evaluate[bool](`window.pwned !== undefined`))
	title := apptest.Result(b, chromedp.Title())
	text := b.Text("main")
	// Click every javascript: link there might be: none may run.
	apptest.Result(b, chromedp.Evaluate[bool](`document.querySelectorAll('main a').forEach(a => { if (a.protocol === 'javascript:') a.click(); }); true`))
	pwnedAfter := apptest.Result(b, chromedp.Evaluate[bool](`window.pwned !== undefined`))
	if pwned || pwnedAfter || strings.Contains(title, "PWNED") {
		t.Errorf("trainer Markdown ran script: pwned=%v/%v title=%q", pwned, pwnedAfter, title)
	}
	if !strings.Contains(text, "ZICHTBAAR") {
		t.Errorf("lesson text not shown in the browser: %q", text)
	}

	if errs := b.ConsoleErrors(); len(errs) > 0 {
		t.Errorf("console errors on the lesson page: %q", errs)
	}

	// The trainer's own preview is the same sanitised HTML.
	editor := trainer.Get(editorPath).Body
	start := strings.Index(editor, `id="voorbeeld-inhoud"`)
	if start < 0 {
		t.Fatalf("editor without preview")
	}
	editor = editor[start:]
	editor = editor[:strings.Index(editor, "</section>")]
	if !strings.Contains(editor, "ZICHTBAAR") {
		t.Errorf("editor preview does not show the lesson: %s", editor)
	}
	for _, bad := range []string{"<script>window", "onerror=", "onmouseover=", "onload=\"window", "href=\"javascript:", "<iframe"} {
		if strings.Contains(editor, bad) {
			t.Errorf("editor preview contains %q", bad)
		}
	}
}

func TestProgressSurvivesAnEdit(t *testing.T) {
	env := apptest.New(t)
	trainer := signedIn(t, env, "trainer", "trainer@example.be")
	learner := signedIn(t, env, "learner", "lore@example.be")
	if r := learner.PostForm(lessonPath+"/gelezen", nil); r.Status != http.StatusOK {
		t.Fatalf("mark done: status %d; page says %q", r.Status, r.Flash())
	}
	var before int64
	env.MustGet(&before, `SELECT lesson_id FROM lesson_progress`)
	v := formVersion(t, trainer.Get(editorPath))
	r := trainer.PostForm(editorPath, url.Values{"version": {v}, "title": {"Heldere taal, herzien"}, "minutes": {"9"}, "body": {"## Herzien\n\nNieuwe tekst."}, "action": {"publish"}})
	if r.Status != http.StatusOK {
		t.Fatalf("publish: status %d; page says %q", r.Status, r.Flash())
	}
	var after []int64
	env.MustSelect(&after, `SELECT lesson_id FROM lesson_progress`)
	if len(after) != 1 || after[0] != before {
		t.Errorf("progress after an edit = %v, want [%d]", after, before)
	}
}

func exportZip(t *testing.T, c *apptest.Client) []byte {
	t.Helper()
	r := c.Get("/auteur/modules/" + moduleSlug + "/export.zip")
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export: status %d, type %q", r.Status, r.Header.Get("Content-Type"))
	}
	return []byte(r.Body)
}

// TestZipRoundTripAndConflicts exports a module through the browser,
// imports it into a fresh platform through the browser, and checks the
// conflict report when a browser-edited lesson differs from the ZIP.
func TestZipRoundTripAndConflicts(t *testing.T) {
	envA := apptest.New(t)
	trainerA := signedIn(t, envA, "trainer", "a@example.be")
	v := formVersion(t, trainerA.Get(editorPath))
	r := trainerA.PostForm(editorPath, url.Values{"version": {v}, "title": {"Heldere taal"}, "minutes": {"11"}, "body": {"## Uit A\n\nVersie van platform A."}, "action": {"publish"}})
	if r.Status != http.StatusOK {
		t.Fatalf("publish on A: status %d; page says %q", r.Status, r.Flash())
	}
	zipA := exportZip(t, trainerA)

	db, u := dbtest.NewWithURL(t)
	envB := apptest.NewEmpty(t, db, u)
	trainerB := signedIn(t, envB, "trainer", "b@example.be")
	r = multipartPost(t, envB, trainerB, "/auteur/importeren", "zip", "module.zip", zipA)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Les "+moduleSlug+"/"+lessonSlug+": toegevoegd") {
		t.Fatalf("import into B: status %d; page says %q", r.Status, r.Flash())
	}
	q := `SELECT l.slug, l.position, l.title, l.minutes, l.body_md, l.body_html FROM lessons l ORDER BY l.position`
	var a, b []struct {
		Slug     string `db:"slug"`
		Position int    `db:"position"`
		Title    string `db:"title"`
		Minutes  int    `db:"minutes"`
		BodyMD   string `db:"body_md"`
		BodyHTML string `db:"body_html"`
	}
	envA.DB.Select(&a, `SELECT l.slug, l.position, l.title, l.minutes, l.body_md, l.body_html FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.slug = $1 ORDER BY l.position`, moduleSlug)
	envB.DB.Select(&b, q)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("lessons: %d on A, %d on B", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("lesson %d differs:\nA: %+v\nB: %+v", i, a[i], b[i])
		}
	}

	// On B a trainer edits the lesson; importing A's ZIP again (with a
	// different text on A) reports the conflict and keeps B's text.
	v = formVersion(t, trainerB.Get(editorPath))
	trainerB.PostForm(editorPath, url.Values{"version": {v}, "title": {"Heldere taal"}, "minutes": {"11"}, "body": {"## Uit B\n\nVersie van platform B."}, "action": {"publish"}})
	v = formVersion(t, trainerA.Get(editorPath))
	trainerA.PostForm(editorPath, url.Values{"version": {v}, "title": {"Heldere taal"}, "minutes": {"11"}, "body": {"## Uit A\n\nTweede versie van A."}, "action": {"publish"}})
	zipA2 := exportZip(t, trainerA)
	r = multipartPost(t, envB, trainerB, "/auteur/importeren", "zip", "module.zip", zipA2)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "in de browser aangepast") {
		t.Errorf("import with a conflict: status %d, want 200 with the conflict listed; page says %q", r.Status, r.Flash())
	}
	if got := envB.Client().Get(lessonPath).Body; !strings.Contains(got, "Versie van platform B.") {
		t.Errorf("the import overwrote B's browser edit")
	}
	// The trainer chooses the ZIP's version.
	req := multipartForce(t, envB, trainerB, zipA2)
	if req.Status != http.StatusOK {
		t.Errorf("forced import: status %d; page says %q", req.Status, req.Flash())
	}
	if got := envB.Client().Get(lessonPath).Body; !strings.Contains(got, "Tweede versie van A.") {
		t.Errorf("forced import did not take the ZIP's version")
	}

	// ZIPs with path tricks or that are not ZIPs are refused.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("../01-online-informeren/module.md")
	w.Write([]byte("---\ntitle: x\n---\n"))
	zw.Close()
	for name, data := range map[string][]byte{"path trick": buf.Bytes(), "not a zip": []byte("PK nope")} {
		r := multipartPost(t, envB, trainerB, "/auteur/importeren", "zip", "x.zip", data)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("import %s: status %d, want 422; page says %q", name, r.Status, r.Flash())
		}
	}
}

func multipartForce(t *testing.T, env *apptest.Env, c *apptest.Client, data []byte) *apptest.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("overschrijven", "1")
	fw, _ := w.CreateFormFile("zip", "module.zip")
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, env.URL("/auteur/importeren"), &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", env.Server.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Do(req)
}

func TestQuizEditor(t *testing.T) {
	env := apptest.New(t)
	trainer := signedIn(t, env, "trainer", "trainer@example.be")
	path := "/auteur/modules/" + moduleSlug + "/quiz"
	page := trainer.Get(path)
	if page.Status != http.StatusOK {
		t.Fatalf("quiz form: status %d", page.Status)
	}
	// Resubmit the form as shown, with every correct box unticked in the
	// first question: refused with the reason.
	form := formValues(page.Body)
	for k := range form {
		if strings.HasPrefix(k, "q0.o") && strings.HasSuffix(k, ".correct") {
			delete(form, k)
		}
	}
	form.Set("action", "publish")
	r := trainer.PostForm(path, form)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(r.Body), "juist antwoord") {
		t.Errorf("quiz without a correct answer: status %d, want 422 with 'juist antwoord'; page says %q", r.Status, r.Flash())
	}
	// The form as shown, plus a new true/false question.
	form = formValues(page.Body)
	var count int
	env.MustGet(&count, `SELECT count(*) FROM questions q JOIN modules m ON m.id = q.module_id WHERE m.slug = $1`, moduleSlug)
	n := form.Get("questions")
	last := "q" + strconv.Itoa(atoi(n)-1) + "."
	form.Set(last+"kind", "truefalse")
	form.Set(last+"text", "Een nieuwe vraag uit de browser.")
	form.Set(last+"o0.text", "Juist")
	form.Set(last+"o0.correct", "1")
	form.Set(last+"o0.explanation", "Zo is het.")
	form.Set(last+"o1.text", "Fout")
	form.Set(last+"o1.explanation", "Toch niet.")
	form.Set("version", "2") // the refused publish above was kept as draft 2 (1 is the imported quiz)
	form.Set("action", "publish")
	r = trainer.PostForm(path, form)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Een nieuwe vraag uit de browser.") {
		t.Fatalf("add a question: status %d; page says %q", r.Status, r.Flash())
	}
	var after int
	env.MustGet(&after, `SELECT count(*) FROM questions q JOIN modules m ON m.id = q.module_id WHERE m.slug = $1`, moduleSlug)
	if after != count+1 {
		t.Errorf("questions after adding one = %d, want %d", after, count+1)
	}
}

var (
	inputRe    = regexp.MustCompile(`<input[^>]*>`)
	textareaRe = regexp.MustCompile(`(?s)<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`)
	selectRe   = regexp.MustCompile(`(?s)<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>`)
	attrRe     = regexp.MustCompile(`(\w+)="([^"]*)"`)
	selectedRe = regexp.MustCompile(`<option value="([^"]*)" selected>`)
)

// formValues reads the values a browser would submit from the page's
// forms: inputs (checked boxes only), textareas and selects.
func formValues(page string) url.Values {
	v := url.Values{}
	for _, in := range inputRe.FindAllString(page, -1) {
		attrs := map[string]string{}
		for _, a := range attrRe.FindAllStringSubmatch(in, -1) {
			attrs[a[1]] = html.UnescapeString(a[2])
		}
		if attrs["name"] == "" || attrs["type"] == "file" || attrs["type"] == "search" {
			continue
		}
		if attrs["type"] == "checkbox" && !strings.Contains(in, " checked") {
			continue
		}
		v.Set(attrs["name"], attrs["value"])
	}
	for _, m := range textareaRe.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	for _, m := range selectRe.FindAllStringSubmatch(page, -1) {
		if s := selectedRe.FindStringSubmatch(m[2]); s != nil {
			v.Set(m[1], s[1])
		}
	}
	return v
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// TestEditorInTheBrowser signs a trainer in through Chromium, checks the
// live preview (static/js/editor.js) and runs axe on the authoring pages.
func TestEditorInTheBrowser(t *testing.T) {
	env := apptest.New(t)
	_, pw := env.CreateUser(0, "trainer", "trainer@example.be", "Trainer Test")
	b := apptest.NewBrowser(t)
	b.Login(env.Server.URL, "trainer@example.be", pw)
	for _, p := range []string{"/auteur", "/auteur/modules/" + moduleSlug, "/auteur/modules/" + moduleSlug + "/quiz",
		"/auteur/modules/" + moduleSlug + "/nieuwe-les", "/auteur/modules/" + moduleSlug + "/afbeeldingen", editorPath} {
		b.Navigate(env.URL(p))
		b.Axe(t, p)
	}
	// The editor page is the last one: type and wait for the preview.
	b.Run(
		chromedp.SetValue(chromedp.CSS("#f-body"), "## Live voorbeeld\n\nGetypt in de browser."),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-body').dispatchEvent(new Event('input'))`),
	)
	ctx, cancel := context.WithTimeout(b.Ctx(), 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('voorbeeld-inhoud').innerHTML.includes('<h2>Live voorbeeld</h2>')`)); err != nil {
		t.Errorf("live preview did not update: %v; preview is %q", err, b.Text("#voorbeeld-inhoud"))
	}
	b.NoConsoleErrors(t)
}

func TestModuleFieldsAndStaleEdit(t *testing.T) {
	env := apptest.New(t)
	trainer := signedIn(t, env, "trainer", "trainer@example.be")
	path := "/auteur/modules/" + moduleSlug
	page := trainer.Get(path).Body
	form := formValues(page[strings.Index(page, `action="`+path+`" method="post"`):])
	form.Set("title", "Online informeren, herzien")
	r := trainer.PostForm(path, form)
	if r.Status != http.StatusOK || !strings.Contains(r.Flash(), "bewaard") {
		t.Fatalf("save module: status %d; page says %q", r.Status, r.Flash())
	}
	if got := env.Client().Get("/modules/" + moduleSlug).Body; !strings.Contains(got, "Online informeren, herzien") {
		t.Errorf("the public module page does not show the new title")
	}
	// The same (now stale) form again: refused, input kept.
	form.Set("title", "Tweede titel")
	r = trainer.PostForm(path, form)
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, `value="Tweede titel"`) {
		t.Errorf("stale module save: status %d, want 409 with the input kept; page says %q", r.Status, r.Flash())
	}
	// Bad input: 422 with the message tied to the field.
	form = formValues(trainer.Get(path).Body)
	form.Set("summary", strings.Repeat("x", 301))
	form.Set("minutes", "nul")
	r = trainer.PostForm(path, form)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="err-summary"`) || !strings.Contains(r.Body, `id="err-minutes"`) {
		t.Errorf("invalid module: status %d, want 422 with field errors; page says %q", r.Status, r.Flash())
	}
}
