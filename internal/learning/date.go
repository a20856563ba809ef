package learning

import (
	"fmt"
	"time"
)

var monthsNL = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// brussels is the time zone dates are shown in.
var brussels = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Brussels"); err == nil {
		return loc
	}
	return time.UTC
}()

// Date formats a day for people: "3 maart 2026" in Dutch, "3 March 2026"
// in English, in Belgian time.
func Date(lang string, t time.Time) string {
	t = t.In(brussels)
	if lang == "en" {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d %s %d", t.Day(), monthsNL[t.Month()-1], t.Year())
}
