package content

import (
	"strings"
	"testing"
	"testing/fstest"
)

// downloadCourse is a one-module course whose lesson links a worker's tool
// in media/; tests break it one way at a time.
func downloadCourse() fstest.MapFS {
	f := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	return fstest.MapFS{
		"01-een/module.md":                f("---\ntitle: Een\nsummary: Kort.\nminutes: 10\npolicy_summary: Beleid.\n---\nInleiding.\n"),
		"01-een/01-les.md":                f("---\ntitle: Les\nminutes: 5\n---\n## Kop\n\n![Een schema](media/schema.svg)\n\nNeem de [kanaalafspraak met je cliënt](media/kanaalafspraak.txt) mee.\n"),
		"01-een/quiz.yaml":                f("pass_mark: 70\nquestions:\n  - id: q\n    type: truefalse\n    text: Vraag?\n    options:\n      - text: Juist\n        correct: true\n        explanation: Omdat.\n      - text: Fout\n        correct: false\n        explanation: Omdat niet.\n"),
		"01-een/media/schema.svg":         f(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>`),
		"01-een/media/kanaalafspraak.txt": f("Kanaalafspraak\n\nWe spreken af dat ...\n"),
	}
}

func TestDownloadsAreMediaAndTheirLinksAreChecked(t *testing.T) {
	r := NewRenderer()
	c, ps := r.Parse(downloadCourse())
	if ps != nil {
		t.Fatalf("valid course with a download: %v", ps)
	}
	var got string
	for _, m := range c.Modules[0].Media {
		if m.Name == "kanaalafspraak.txt" {
			got = m.ContentType
		}
	}
	if got != "text/plain; charset=utf-8" {
		t.Errorf("kanaalafspraak.txt has content type %q, want text/plain; charset=utf-8", got)
	}

	const lesson = "01-een/01-les.md"
	edit := func(name, old, new string) func(fstest.MapFS) {
		return func(f fstest.MapFS) {
			s := string(f[name].Data)
			if !strings.Contains(s, old) {
				t.Fatalf("%s does not contain %q", name, old)
			}
			f[name] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
		}
	}
	set := func(name, data string) func(fstest.MapFS) {
		return func(f fstest.MapFS) { f[name] = &fstest.MapFile{Data: []byte(data)} }
	}
	cases := []struct {
		name   string
		break_ func(fstest.MapFS)
		want   string
	}{
		{"link to a missing download", edit(lesson, "(media/kanaalafspraak.txt)", "(media/weg.txt)"),
			lesson + `:9: link naar "media/weg.txt": het bestand bestaat niet`},
		{"vague link text", edit(lesson, "[kanaalafspraak met je cliënt]", "[hier]"),
			lesson + `:9: link naar "media/kanaalafspraak.txt" heeft geen beschrijvende linktekst`},
		{"download shown as an image", edit(lesson, "(media/schema.svg)", "(media/kanaalafspraak.txt)"),
			lesson + `:7: "media/kanaalafspraak.txt" is geen afbeelding`},
		{"binary text file", set("01-een/media/kanaalafspraak.txt", "\x00\x01\x02binary"),
			"01-een/media/kanaalafspraak.txt:0: een .txt-bestand moet gewone UTF-8-tekst zijn"},
		{"text that is not UTF-8", set("01-een/media/kanaalafspraak.txt", "caf\xe9 au lait\n"),
			"01-een/media/kanaalafspraak.txt:0: een .txt-bestand moet gewone UTF-8-tekst zijn"},
		{"PDF that is no PDF", set("01-een/media/gids.pdf", "just text"),
			`01-een/media/gids.pdf:0: de inhoud van het bestand past niet bij de extensie ".pdf"`},
		{"unsupported download type", set("01-een/media/gids.docx", "PK\x03\x04"),
			"01-een/media/gids.docx:0: bestandsnaam of type niet toegelaten"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := downloadCourse()
			tc.break_(fsys)
			_, ps := r.Parse(fsys)
			if !strings.Contains(ps.Error(), tc.want) {
				t.Errorf("problems:\n%v\nwant one starting %q", ps, tc.want)
			}
		})
	}

	t.Run("a real PDF is accepted", func(t *testing.T) {
		fsys := downloadCourse()
		fsys["01-een/media/gids.pdf"] = &fstest.MapFile{Data: []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")}
		c, ps := r.Parse(fsys)
		if ps != nil {
			t.Fatalf("course with a PDF: %v", ps)
		}
		for _, m := range c.Modules[0].Media {
			if m.Name == "gids.pdf" && m.ContentType != "application/pdf" {
				t.Errorf("gids.pdf has content type %q, want application/pdf", m.ContentType)
			}
		}
	})
}
