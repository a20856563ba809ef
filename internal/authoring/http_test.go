package authoring_test

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"nabij.be/leerplatform/internal/apptest"
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
	env.DB.Get(&n, `SELECT count(*) FROM media WHERE name LIKE 'upload-%' OR name LIKE '%passwd%'`)
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
	env.DB.Select(&names, `SELECT name FROM media WHERE name LIKE 'upload-%' OR name LIKE '%passwd%' OR name LIKE '%/%'`)
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
