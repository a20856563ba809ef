package report

import (
	"bufio"
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
// ends, ISO dates. Every field is quoted, so a ',' or ';' in a name never
// splits it, and every cell is neutralised (SafeCell) so that the file stays
// free of formulas whichever separator a spreadsheet assumes. Headers are in
// lang.
func WriteCSV(w io.Writer, mx *Matrix, lang string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("\ufeff")
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }

	header := []string{t("report.csv.name"), t("report.csv.email"), t("report.csv.teams"), t("report.csv.progress"), t("report.csv.activity")}
	for _, m := range mx.Modules {
		header = append(header,
			t("report.csv.module_status", m.Title), t("report.csv.module_completed", m.Title),
			t("report.csv.module_progress", m.Title), t("report.csv.module_score", m.Title))
	}
	// Assigned training, after the columns that were there before it.
	for _, m := range mx.Modules {
		header = append(header, t("assignment.csv.due", m.Title), t("assignment.csv.status", m.Title))
	}
	writeRow(bw, header)
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
		for _, c := range p.Cells {
			status := ""
			if s := c.DueStatus(); s != "" {
				status = t("assignment.csv.status." + s)
			}
			row = append(row, c.DueDate(), status)
		}
		writeRow(bw, row)
	}
	// A bufio.Writer keeps its first error and returns it here.
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: write csv: %w", err)
	}
	return nil
}

// writeRow writes one line: every cell neutralised and quoted, quotes
// inside doubled (RFC 4180), separated by ';', ended by CRLF.
func writeRow(w *bufio.Writer, row []string) {
	for i, cell := range row {
		if i > 0 {
			w.WriteByte(';')
		}
		w.WriteByte('"')
		w.WriteString(strings.ReplaceAll(SafeCell(cell), `"`, `""`))
		w.WriteByte('"')
	}
	w.WriteString("\r\n")
}

// SafeCell neutralises what a spreadsheet could read as a formula (OWASP
// CSV injection): an apostrophe goes before a '=', '+', '-', '@', tab or
// carriage return that starts the cell, and before one that follows a ',',
// a ';' or a line break inside it, where a spreadsheet set to another
// separator, or a program that ignores quotes, would start a new cell.
// Spaces and quotes in between are skipped over, as spreadsheets do, so
// `x, "=1"` is caught too. The text stays readable: "Dubois,=1+1" becomes
// "Dubois,'=1+1".
func SafeCell(s string) string {
	var b strings.Builder
	start, copied := true, 0 // start: at the start of the cell or of a part
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if start {
			if ch == ' ' || ch == '"' {
				continue
			}
			if strings.IndexByte("=+-@\t\r", ch) >= 0 {
				b.WriteString(s[copied:i])
				b.WriteByte('\'')
				copied = i
			}
			start = false
		}
		if ch == ',' || ch == ';' || ch == '\n' || ch == '\r' {
			start = true
		}
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(s[copied:])
	return b.String()
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
