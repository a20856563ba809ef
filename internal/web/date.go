package web

import (
	"strconv"
	"time"
)

// Dates follow one rule on pages and one in files. Pages write the day
// out, in Belgian time: "1 december 2026" (nl), "1 December 2026" (en),
// with the time "1 december 2026, 14:05". Files and machine-readable
// attributes use ISO 8601: "2026-12-01" (see ISODate).

var months = map[string][12]string{
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// Brussels is the time zone people read dates in.
var Brussels = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Brussels"); err == nil {
		return loc
	}
	return time.UTC
}()

// timeOf accepts a time.Time or a *time.Time; ok is false for nil or the
// zero time.
func timeOf(v any) (time.Time, bool) {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return t, false
		}
		t = *x
	default:
		return t, false
	}
	return t.In(Brussels), !t.IsZero()
}

// FormatDate writes t's day for people in lang: "1 december 2026".
func FormatDate(lang string, t time.Time) string {
	m, ok := months[lang]
	if !ok {
		m = months["nl"]
	}
	t = t.In(Brussels)
	return strconv.Itoa(t.Day()) + " " + m[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// Date writes a time.Time or *time.Time as a day for people:
// {{ .Date .CreatedAt }} is "1 december 2026"; nil or zero is "".
func (p *Page) Date(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	return FormatDate(p.Lang, t)
}

// DateTime writes a moment for people: "1 december 2026, 14:05".
func (p *Page) DateTime(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	return FormatDate(p.Lang, t) + ", " + t.Format("15:04")
}

// ISODate writes the day as files and datetime attributes do:
// "2026-12-01".
func (p *Page) ISODate(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	return t.Format("2006-01-02")
}
