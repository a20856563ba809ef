package web

import (
	"io/fs"
	"regexp"
	"testing"
	"time"

	"nabij.be/leerplatform/templates"
)

func TestDatesOnPages(t *testing.T) {
	// 23:30 UTC on 30 November is already 1 December in Brussels.
	at := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		lang, date, dateTime string
	}{
		{"nl", "1 december 2026", "1 december 2026, 00:30"},
		{"en", "1 December 2026", "1 December 2026, 00:30"},
	} {
		p := &Page{Lang: c.lang}
		if got := p.Date(at); got != c.date {
			t.Errorf("%s Date = %q, want %q", c.lang, got, c.date)
		}
		if got := p.Date(&at); got != c.date {
			t.Errorf("%s Date of a pointer = %q, want %q", c.lang, got, c.date)
		}
		if got := p.DateTime(at); got != c.dateTime {
			t.Errorf("%s DateTime = %q, want %q", c.lang, got, c.dateTime)
		}
		if got := p.ISODate(at); got != "2026-12-01" {
			t.Errorf("%s ISODate = %q, want 2026-12-01", c.lang, got)
		}
	}
	var none *time.Time
	if got := (&Page{Lang: "nl"}).Date(none); got != "" {
		t.Errorf("Date(nil) = %q, want empty", got)
	}
}

// Pages show dates through .Date and .DateTime only, so that one rule
// holds everywhere: no template formats a time itself.
func TestTemplatesFormatNoDatesThemselves(t *testing.T) {
	formatRe := regexp.MustCompile(`\.Format\s+"`)
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := fs.ReadFile(templates.FS, p)
		if err != nil {
			return err
		}
		if formatRe.Match(src) {
			t.Errorf("templates/%s formats a date with .Format; use .Date or .DateTime", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
