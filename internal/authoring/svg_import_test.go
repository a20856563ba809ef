package authoring_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// withFile returns a copy of a ZIP with one more file.
func withFile(t *testing.T, zipData []byte, name string, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(zipData), int64(len(zipData)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var dir string
	for _, f := range zr.File {
		if d, _, ok := strings.Cut(f.Name, "/"); ok && dir == "" {
			dir = d
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, r); err != nil {
			t.Fatal(err)
		}
		r.Close()
	}
	w, err := zw.Create(dir + "/" + name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestZipImportRefusesUnsafeSVG: a module ZIP whose media carry an SVG
// that builds a script from a DTD entity, or links to javascript: through
// a character reference, is refused with the file and a Dutch reason, and
// the SVG is not stored; the module's own SVGs still import.
func TestZipImportRefusesUnsafeSVG(t *testing.T) {
	env := apptest.New(t)
	trainer := signedIn(t, env, "trainer", "svg@example.be")
	clean := exportZip(t, trainer)
	if r := multipartPost(t, env, trainer, "/auteur/importeren", "zip", "module.zip", clean); r.Status != http.StatusOK {
		t.Fatalf("import of the exported module: status %d; page says %q", r.Status, r.Flash())
	}
	for name, svg := range map[string]string{
		"entiteit.svg": `<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY s "&#60;script&#62;alert(1)&#60;/script&#62;">]>
<svg xmlns="http://www.w3.org/2000/svg"><g>&s;</g></svg>`,
		"link.svg": `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<defs><linearGradient id="v" xlink:href="javascript&#58;alert(1)"/></defs><rect width="9" height="9" fill="url(#v)"/></svg>`,
	} {
		r := multipartPost(t, env, trainer, "/auteur/importeren", "zip", "module.zip", withFile(t, clean, "media/"+name, []byte(svg)))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "media/"+name+":0: SVG, regel") {
			t.Errorf("import with %s: status %d, want 422 naming the file and the SVG's line; page says %q", name, r.Status, r.Flash())
		}
		var stored int
		if err := env.DB.Get(&stored, `SELECT count(*) FROM media WHERE name = $1`, name); err != nil {
			t.Fatal(err)
		}
		if stored != 0 {
			t.Errorf("%s was stored", name)
		}
	}
}
