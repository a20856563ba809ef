package authoring_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nabij.be/leerplatform/internal/apptest"
)

// tinyPNG is a valid 1×1 PNG.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// Without JavaScript, "Afbeelding opladen" in the lesson editor sends the
// whole editor form: the typed text is saved as the draft first, then the
// image is stored, and the editor comes back with both.
func TestUploadFromEditorKeepsText(t *testing.T) {
	env := apptest.New(t)
	trainer := signedIn(t, env, "trainer", "trainer@example.be")
	page := trainer.Get(editorPath)
	version := formVersion(t, page)
	typed := "## Nieuw stuk\n\nDeze tekst werd net getypt en mag niet verloren gaan."

	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"version": version, "title": "Heldere taal", "minutes": "12", "body": typed, "action": "upload"} {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("afbeelding", "kaart.png")
	fw.Write(tinyPNG)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, env.URL(editorPath), &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", env.Server.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	r := trainer.Do(req)
	if r.Status != http.StatusOK || r.URL.Path != editorPath {
		t.Fatalf("upload from the editor: status %d at %s, want 200 at the editor; page says %q", r.Status, r.URL.Path, r.Flash())
	}
	if !strings.Contains(html.UnescapeString(r.Body), typed) {
		t.Errorf("editor after the upload lost the typed text; page says %q", r.Flash())
	}
	if !strings.Contains(r.Flash(), "media/upload-") {
		t.Errorf("flash = %q, want the image's Markdown", r.Flash())
	}
	var n int
	if err := env.DB.Get(&n, `SELECT count(*) FROM media WHERE name LIKE 'upload-%'`); err != nil || n != 1 {
		t.Errorf("uploaded images stored = %d (%v), want 1", n, err)
	}
	var body string
	if err := env.DB.Get(&body, `SELECT body_md FROM lesson_drafts WHERE slug = $1`, lessonSlug); err != nil || !strings.Contains(body, "mag niet verloren gaan") {
		t.Errorf("draft after the upload = %q (%v), want the typed text", body, err)
	}
}

// With JavaScript, the image is uploaded without leaving the page and its
// Markdown is put into the text at the cursor; the typed text stays.
func TestUploadInBrowserKeepsText(t *testing.T) {
	env := apptest.New(t)
	_, pw := env.CreateUser(0, "trainer", "trainer@example.be", "Trainer Test")
	b := apptest.NewBrowser(t)
	b.Login(env.Server.URL, "trainer@example.be", pw)
	b.Navigate(env.URL(editorPath))
	file := filepath.Join(t.TempDir(), "kaart.png")
	if err := os.WriteFile(file, tinyPNG, 0o600); err != nil {
		t.Fatal(err)
	}
	typed := "Deze tekst werd net getypt."
	b.Run(
		chromedp.SetValue(chromedp.CSS("#f-body"), typed),
		chromedp.SetUploadFiles(chromedp.CSS("#f-afbeelding"), []string{file}),
		chromedp.Click(chromedp.CSS(`button[value="upload"]`)),
	)
	ctx, cancel := context.WithTimeout(b.Ctx(), 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('f-body').value.includes('(media/upload-')`)); err != nil {
		t.Fatalf("the image's Markdown did not appear in the text: %v; text is %q", err, b.Text("#f-body"))
	}
	text := apptest.Result(b, chromedp.Evaluate[string](`document.getElementById('f-body').value`))
	if !strings.HasPrefix(text, typed) {
		t.Errorf("text after the upload = %q, want it to start with the typed text", text)
	}
	if loc := b.Location(); !strings.HasSuffix(loc, editorPath) {
		t.Errorf("after the upload the browser is at %s, want the editor", loc)
	}
	b.Axe(t, "editor after upload")
	// The upload field fits a 320 px screen (WCAG 1.4.10).
	b.SetWidth(apptest.Narrow)
	b.Navigate(env.URL(editorPath))
	b.NoOverflow(t, "lesson editor")
	b.NoConsoleErrors(t)
}
