package certificate

import (
	"strconv"
	"time"
)

var (
	dutchMonths = [12]string{
		"januari", "februari", "maart", "april", "mei", "juni",
		"juli", "augustus", "september", "oktober", "november", "december",
	}
	englishMonths = [12]string{
		"January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November", "December",
	}
)

// DutchDate writes t's calendar day the Dutch way: "22 november 2026".
// The day is the one in t's own location.
func DutchDate(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + dutchMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// EnglishDate writes t's calendar day as British English does: "22 November 2026".
// The day is the one in t's own location.
func EnglishDate(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + englishMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}
