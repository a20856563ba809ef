package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"nabij.be/leerplatform/internal/i18n"
)

// PerPage is the number of people on a page of the matrix.
const PerPage = 50

// brussels is the time zone dates are written in.
var brussels = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Brussels"); err == nil {
		return loc
	}
	return time.UTC
}()

// isoDate writes t as YYYY-MM-DD in Belgian time; nil is empty.
func isoDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(brussels).Format("2006-01-02")
}

// WriteCSV writes the matrix as a CSV file that Excel with Belgian settings
// opens correctly: UTF-8 with a byte order mark, ';' as separator, CRLF line
// ends, ISO dates. Cells that a spreadsheet would take for a formula are
// neutralised. Headers are in lang.
func WriteCSV(w io.Writer, mx *Matrix, lang string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return fmt.Errorf("report: write csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }

	header := []string{t("report.csv.name"), t("report.csv.email"), t("report.csv.teams"), t("report.csv.progress"), t("report.csv.activity")}
	for _, m := range mx.Modules {
		header = append(header,
			t("report.csv.module_status", m.Title), t("report.csv.module_completed", m.Title),
			t("report.csv.module_progress", m.Title), t("report.csv.module_score", m.Title))
	}
	if err := cw.Write(safeRow(header)); err != nil {
		return fmt.Errorf("report: write csv: %w", err)
	}
	row := make([]string, 0, len(header))
	for _, p := range mx.People {
		row = append(row[:0], p.Name, p.Email, p.Teams, strconv.Itoa(p.Progress), isoDate(p.LastActivity))
		for _, c := range p.Cells {
			score := ""
			if c.BestScore != nil {
				score = strconv.Itoa(*c.BestScore)
			}
			row = append(row, t("report.status."+c.Status()), isoDate(c.CompletedAt), strconv.Itoa(c.Progress), score)
		}
		if err := cw.Write(safeRow(row)); err != nil {
			return fmt.Errorf("report: write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: write csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: write csv: %w", err)
	}
	return nil
}

// safeRow neutralises each cell of row in place.
func safeRow(row []string) []string {
	for i, s := range row {
		row[i] = SafeCell(s)
	}
	return row
}

// SafeCell prefixes an apostrophe to a cell that starts with a character a
// spreadsheet reads as the start of a formula (=, +, -, @, tab, carriage
// return), so that "=HYPERLINK(…)" in a name stays text (OWASP CSV
// injection).
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// CSVFilename returns the export's file name, e.g.
// rapport-ocmw-demodorp-2026-11-26.csv.
func CSVFilename(org string, day time.Time) string {
	return "rapport-" + slug(org) + "-" + day.In(brussels).Format("2006-01-02") + ".csv"
}

// slug lower-cases s, keeps letters and digits (accents included) and joins
// the words with hyphens.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 && unicode.IsLetter(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "organisatie"
	}
	return b.String()
}

// ContentDisposition returns the Content-Disposition of a download called
// name: an ASCII fallback for old clients and the exact UTF-8 name in
// filename* (RFC 6266, RFC 5987).
func ContentDisposition(name string) string {
	var ascii strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < 128 && r > 31 && r != '"' && r != '\\' && r != ';':
			ascii.WriteRune(r)
		default:
			ascii.WriteByte('_')
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + url.PathEscape(name)
}
