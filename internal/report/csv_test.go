package report_test

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/report"
)

// formulaStart reports whether a spreadsheet would read s as a formula.
func formulaStart(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// readCSV parses body with sep the way a spreadsheet set to that
// separator would, tolerating the other separator's quoting.
func readCSV(t *testing.T, body string, sep rune, lazy bool) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(body))
	r.Comma = sep
	r.LazyQuotes = lazy
	r.FieldsPerRecord = -1
	var rows [][]string
	for {
		row, err := r.Read()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatalf("read export with separator %q: %v", sep, err)
		}
		rows = append(rows, row)
	}
}

// TestCSVExportSafeUnderAnySeparator: names and team names carrying a
// formula behind a comma or a semicolon stay text whether the file is
// opened with ';' (Excel nl-BE) or ',' (English-locale Excel, LibreOffice's
// default), and even when a program splits the lines without regard for
// quotes.
func TestCSVExportSafeUnderAnySeparator(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Formuledorp")
	env.CreateUser(org, "manager", "manager@f.example", "Mieke Maes")
	payloads := map[string]string{
		"dubois@f.example":  "Dubois,=1+1,",
		"peeters@f.example": "Peeters,+cmd|' /C calc'!A0",
		"semi@f.example":    "Semi;@SUM(A1:A9)",
		"quote@f.example":   `Quote," =2+2"`,
		"tab@f.example":     "Tab,\t=3+3",
		"min@f.example":     "-Min;-4+4",
	}
	for email, name := range payloads {
		env.CreateUser(org, "learner", email, name)
	}
	var dubois int64
	if err := env.DB.Get(&dubois, `SELECT id FROM users WHERE email = 'dubois@f.example'`); err != nil {
		t.Fatal(err)
	}
	env.AddToTeam(env.CreateTeam(org, "Team,=1+1"), dubois)
	env.AddToTeam(env.CreateTeam(org, "Ploeg;+5*5"), dubois)

	c := env.Client()
	c.Login("manager@f.example", apptest.TestPassword)
	r := c.Get("/rapport/export.csv")
	if r.Status != http.StatusOK {
		t.Fatalf("export: status %d; page says %q", r.Status, r.Flash())
	}
	body, ok := strings.CutPrefix(r.Body, "\ufeff")
	if !ok {
		t.Fatalf("export does not start with a UTF-8 byte order mark")
	}

	// With ';' the file reads strictly, every name and team in one cell.
	rows := readCSV(t, body, ';', false)
	if len(rows) != 1+1+len(payloads) {
		t.Fatalf("rows = %d, want header, manager and %d learners", len(rows), len(payloads))
	}
	byEmail := map[string][]string{}
	for _, row := range rows[1:] {
		if len(row) != len(rows[0]) {
			t.Errorf("row %q has %d cells, the header %d", row, len(row), len(rows[0]))
			continue
		}
		byEmail[row[1]] = row
	}
	for email, name := range payloads {
		row := byEmail[email]
		if row == nil {
			t.Errorf("no row for %s", email)
			continue
		}
		// The name is still readable: only apostrophes were added.
		if strings.ReplaceAll(row[0], "'", "") != strings.ReplaceAll(name, "'", "") {
			t.Errorf("name cell of %s = %q, want %q with only apostrophes added", email, row[0], name)
		}
	}
	if teams := byEmail["dubois@f.example"][2]; !strings.Contains(teams, "Team,'=1+1") || !strings.Contains(teams, "Ploeg;'+5*5") {
		t.Errorf("teams cell = %q, want both team names neutralised", teams)
	}

	check := func(how string, cells []string) {
		t.Helper()
		for _, cell := range cells {
			if formulaStart(cell) || formulaStart(strings.TrimLeft(cell, ` "`)) {
				t.Errorf("%s: cell %q starts with a formula character", how, cell)
			}
		}
	}
	for _, row := range rows {
		check("separator ;", row)
	}
	for _, row := range readCSV(t, body, ',', true) {
		check("separator ,", row)
	}
	// Line by line, so that one odd quote cannot hide the rest of the file.
	for _, line := range strings.Split(body, "\r\n") {
		for _, row := range readCSV(t, line, ',', true) {
			check("separator , per line", row)
		}
	}
	// A program that splits on either separator and ignores quotes.
	for _, line := range strings.Split(body, "\r\n") {
		check("naive split", strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }))
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "",
		"Zoë Öztürk-Françoise": "Zoë Öztürk-Françoise",
		"=1+1":                 "'=1+1",
		"Dubois,=1+1,":         "Dubois,'=1+1,",
		"a;b,c":                "a;b,c",
		"x, =1":                "x, '=1",
		`x,"=1"`:               `x,"'=1"`,
		"x,\t=1":               "x,'\t=1",
		"x;\r=1":               "x;'\r'=1",
		"line\n=1":             "line\n'=1",
		"@a;@b,+c":             "'@a;'@b,'+c",
		"-5":                   "'-5",
		"e-mail, en-of":        "e-mail, en-of",
	} {
		if got := report.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
