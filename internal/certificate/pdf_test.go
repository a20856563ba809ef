package certificate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// The tests check the PDFs with the tools a person would use: poppler-utils
// (pdftotext, pdfinfo, pdffonts, pdftoppm), qpdf and zbar-tools (zbarimg).
// A missing tool fails the test: a skipped check would pass without testing.

const maxPDFSize = 100 * 1024

// hardNames are names that break fonts, encoders and text extraction.
var hardNames = []string{
	"Zoë Ĳzerman-D'Hondt",
	"Łukasz Żółkiewski",
	"Şükrü Çağlar Işık",
	"Nguyễn Thị Phương Thảo",
	"Seán Ó Briain",
	"Åse Øvergård Ærø",
	"Ǆemal Đorđević",
	"Jean-François Lefèvre",
	"Chloé O’Brien",
	"Ffion Eﬀ",
	"Þórunn Guðmundsdóttir",
	"Ilse Van de Velde-Ağaoğlu",
	"Dóra Szőke-Kovács",
	"Gráinne Ní Mhaoláin",
}

func newTestRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := NewRenderer()
	if err != nil {
		t.Fatalf("NewRenderer: %v", err)
	}
	return r
}

func sampleCertificate(t testing.TB, name string) Certificate {
	t.Helper()
	raw, err := NewCode()
	if err != nil {
		t.Fatal(err)
	}
	return Certificate{
		Name:         name,
		Organisation: "OCMW Sint-Niklaas",
		Title:        "Online begeleiden",
		Completed:    time.Date(2026, 11, 22, 14, 30, 0, 0, time.UTC),
		Minutes:      150,
		Code:         FormatCode(raw),
		VerifyURL:    "https://leerplatform.nabij.be/certificaten/" + raw,
		Issuer:       "N@BIJ leerplatform",
	}
}

// renderFile renders c into a file in a fresh temporary folder.
func renderFile(t *testing.T, r *Renderer, c Certificate) string {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Render(&buf, c); err != nil {
		t.Fatalf("Render(%q): %v", c.Name, err)
	}
	path := filepath.Join(t.TempDir(), "certificaat.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// run runs a tool and returns its standard output; it fails the test when
// the tool is missing or fails.
func run(t *testing.T, tool string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s is not installed (Debian packages poppler-utils, qpdf, zbar-tools): %v", tool, err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", tool, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// pdfText returns the text layer of a PDF in NFC. pdftotext hands out
// text as the PDF maps it, which for our fonts is the NFC text we printed;
// normalising anyway keeps the test about what a reader sees, not about
// which of two equal encodings the tool picked.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	return norm.NFC.String(run(t, "pdftotext", "-layout", "-enc", "UTF-8", path, "-"))
}

// decodeQR renders the page at 150 dpi and returns what zbarimg reads.
func decodeQR(t *testing.T, path string) string {
	t.Helper()
	prefix := filepath.Join(filepath.Dir(path), "page")
	run(t, "pdftoppm", "-png", "-r", "150", "-singlefile", path, prefix)
	return strings.TrimRight(run(t, "zbarimg", "--raw", "-q", prefix+".png"), "\n")
}

func TestRenderHardNames(t *testing.T) {
	r := newTestRenderer(t)
	for _, name := range hardNames {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := sampleCertificate(t, name)
			path := renderFile(t, r, c)

			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if info.Size() > maxPDFSize {
				t.Errorf("PDF size = %d bytes, want at most %d", info.Size(), maxPDFSize)
			}
			run(t, "qpdf", "--check", path)

			text := pdfText(t, path)
			for _, want := range []string{
				norm.NFC.String(name),
				"Getuigschrift",
				"N@BIJ leerplatform",
				"verbonden aan OCMW Sint-Niklaas",
				"Online begeleiden",
				"22 november 2026",
				"Studiebelasting: 2 uur 30 minuten",
				c.Code,
				c.VerifyURL,
			} {
				if !strings.Contains(text, want) {
					t.Errorf("text layer lacks %q; pdftotext gave:\n%s", want, text)
				}
			}

			if got := decodeQR(t, path); got != c.VerifyURL {
				t.Errorf("QR code = %q, want %q", got, c.VerifyURL)
			}
		})
	}
}

func TestRenderNormalisesDecomposedInput(t *testing.T) {
	r := newTestRenderer(t)
	// "Zoë Nguyễn" typed with combining marks: fpdf cannot position them, so
	// the renderer must print the precomposed letters.
	decomposed := norm.NFD.String("Zoë Nguyễn")
	if decomposed == "Zoë Nguyễn" {
		t.Fatal("test input is not decomposed")
	}
	path := renderFile(t, r, sampleCertificate(t, decomposed))
	// Compare the raw pdftotext output: it must hold the NFC form itself.
	raw := run(t, "pdftotext", "-layout", "-enc", "UTF-8", path, "-")
	if !strings.Contains(raw, "Zoë Nguyễn") {
		t.Errorf("text layer lacks the NFC name; pdftotext gave:\n%s", raw)
	}
}

func TestRenderLongNamesFit(t *testing.T) {
	r := newTestRenderer(t)
	tests := []struct {
		name  string
		lines int // lines the name may take
	}{
		{"Maria Alexandra Gonçalves Ferreira da Silva Van den Bossche-Vercruysse", 1},
		{strings.Repeat("Wolfeschlegelsteinhausenbergerdorff ", 5) + "Łęcki", 2},
	}
	for _, tt := range tests {
		path := renderFile(t, r, sampleCertificate(t, tt.name))
		run(t, "qpdf", "--check", path)
		text := pdfText(t, path)
		if tt.lines == 1 {
			if !strings.Contains(text, tt.name) {
				t.Errorf("text layer lacks %q on one line; pdftotext gave:\n%s", tt.name, text)
			}
			continue
		}
		// Every word is printed, none is cut off at the page edge.
		for _, word := range strings.Fields(tt.name) {
			if !strings.Contains(text, word) {
				t.Errorf("text layer lacks %q of a long name; pdftotext gave:\n%s", word, text)
			}
		}
	}
}

func TestRenderWithoutOptionalFields(t *testing.T) {
	r := newTestRenderer(t)
	c := sampleCertificate(t, "An Peeters")
	c.Organisation, c.Minutes, c.Issuer = "", 0, ""
	c.Title = "Het volledige N@BIJ-programma: online informeren, contacteren, begeleiden, feedback geven en blended werken in de sociale dienstverlening"
	path := renderFile(t, r, c)
	text := pdfText(t, path)
	if strings.Contains(text, "verbonden aan") || strings.Contains(text, "Studiebelasting") {
		t.Errorf("text layer shows empty fields; pdftotext gave:\n%s", text)
	}
	if !strings.Contains(text, DefaultIssuer) {
		t.Errorf("text layer lacks the default issuer %q; pdftotext gave:\n%s", DefaultIssuer, text)
	}
	for _, word := range strings.Fields(c.Title) {
		if !strings.Contains(text, word) {
			t.Errorf("text layer lacks %q of the long title; pdftotext gave:\n%s", word, text)
		}
	}
}

func TestRenderMetadataAndFonts(t *testing.T) {
	r := newTestRenderer(t)
	c := sampleCertificate(t, "Şükrü Çağlar Işık")
	c.Title = "Online contacteren"
	path := renderFile(t, r, c)

	info := run(t, "pdfinfo", "-enc", "UTF-8", path)
	for _, want := range []string{
		"Title:           Getuigschrift Online contacteren – Şükrü Çağlar Işık",
		"Author:          N@BIJ leerplatform",
		"Creator:         N@BIJ leerplatform",
		"Page size:       841.89 x 595.28 pts (A4)",
		"Pages:           1",
	} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q; it gave:\n%s", want, info)
		}
	}

	// Only our own embedded TrueType fonts, never one of the PDF core fonts
	// (Helvetica, Times, Courier, Symbol, ZapfDingbats), which know no
	// Unicode. pdffonts prints: name, type (2 words), encoding, emb, sub, uni.
	fonts := strings.Split(strings.TrimSpace(run(t, "pdffonts", path)), "\n")
	if len(fonts) != 2+len(fontFiles) {
		t.Fatalf("pdffonts lists %d fonts, want %d:\n%s", len(fonts)-2, len(fontFiles), strings.Join(fonts, "\n"))
	}
	for _, line := range fonts[2:] {
		fields := strings.Fields(line)
		if len(fields) < 7 || fields[1] != "CID" || fields[2] != "TrueType" || fields[4] != "yes" || fields[6] != "yes" {
			t.Errorf("font is not an embedded TrueType font with a Unicode map: %q", line)
		}
	}
}

func TestRenderDateIsBrusselsDay(t *testing.T) {
	r := newTestRenderer(t)
	c := sampleCertificate(t, "Jan Peeters")
	// 23:30 UTC on 22 November is half past midnight on the 23rd in Brussels.
	c.Completed = time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC)
	text := pdfText(t, renderFile(t, r, c))
	if !strings.Contains(text, "op 23 november 2026 met succes") {
		t.Errorf("text layer lacks the Brussels date 23 november 2026; pdftotext gave:\n%s", text)
	}
}

func TestRenderRefusesWhatItCannotPrint(t *testing.T) {
	r := newTestRenderer(t)
	tests := map[string]func(*Certificate){
		"emoji in name":         func(c *Certificate) { c.Name = "Jan 😀 Peeters" },
		"Chinese name":          func(c *Certificate) { c.Name = "王小明" },
		"Arabic organisation":   func(c *Certificate) { c.Organisation = "بلدية" },
		"control char in title": func(c *Certificate) { c.Title = "Online\x07begeleiden" },
	}
	for name, change := range tests {
		c := sampleCertificate(t, "Jan Peeters")
		change(&c)
		var buf bytes.Buffer
		err := r.Render(&buf, c)
		if !errors.Is(err, ErrUnprintable) {
			t.Errorf("%s: Render error = %v, want ErrUnprintable", name, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: Render wrote %d bytes on failure, want none", name, buf.Len())
		}
	}

	missing := sampleCertificate(t, " ")
	if err := r.Render(&bytes.Buffer{}, missing); err == nil {
		t.Error("Render accepted a blank name")
	}
}

func TestCanPrint(t *testing.T) {
	r := newTestRenderer(t)
	for _, name := range hardNames {
		if !r.CanPrint(name) {
			t.Errorf("CanPrint(%q) = false (unprintable %q), want true", name, string(r.Unprintable(name)))
		}
		if got := r.Unprintable(name); len(got) != 0 {
			t.Errorf("Unprintable(%q) = %q, want none", name, string(got))
		}
	}
	if !r.CanPrint(norm.NFD.String("Nguyễn Thị Phương Thảo")) {
		t.Error("CanPrint rejects a decomposed name that prints fine once composed")
	}

	tests := []struct {
		text string
		want []rune
	}{
		{"王小明", []rune("王小明")},
		{"Jan 😀 Peeters 😀", []rune{'😀'}},
		{"محمد", []rune("محد")}, // each once
		{"Ivan Иванов", nil},    // Noto covers Cyrillic
		{"Tab\there", []rune{'\t'}},
		{"Ωmega ✓", []rune{'✓'}},
	}
	for _, tt := range tests {
		got := r.Unprintable(tt.text)
		if string(got) != string(tt.want) {
			t.Errorf("Unprintable(%q) = %q, want %q", tt.text, string(got), string(tt.want))
		}
		if ok := r.CanPrint(tt.text); ok != (len(tt.want) == 0) {
			t.Errorf("CanPrint(%q) = %v, want %v", tt.text, ok, len(tt.want) == 0)
		}
	}
}

func TestRenderConcurrently(t *testing.T) {
	r := newTestRenderer(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			c := sampleCertificate(t, hardNames[i%len(hardNames)])
			var buf bytes.Buffer
			if err := r.Render(&buf, c); err != nil {
				errs <- fmt.Errorf("Render(%q): %w", c.Name, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestStudyLoad(t *testing.T) {
	tests := map[int]string{
		-5:  "",
		0:   "",
		1:   "1 minuut",
		45:  "45 minuten",
		60:  "1 uur",
		61:  "1 uur 1 minuut",
		150: "2 uur 30 minuten",
		600: "10 uur",
	}
	for minutes, want := range tests {
		if got := studyLoad(minutes); got != want {
			t.Errorf("studyLoad(%d) = %q, want %q", minutes, got, want)
		}
	}
}

func TestDates(t *testing.T) {
	tests := []struct {
		t              time.Time
		dutch, english string
	}{
		{time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC), "22 november 2026", "22 November 2026"},
		{time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), "1 maart 2027", "1 March 2027"},
		{time.Date(2026, 1, 9, 23, 59, 0, 0, time.UTC), "9 januari 2026", "9 January 2026"},
	}
	for _, tt := range tests {
		if got := DutchDate(tt.t); got != tt.dutch {
			t.Errorf("DutchDate(%v) = %q, want %q", tt.t, got, tt.dutch)
		}
		if got := EnglishDate(tt.t); got != tt.english {
			t.Errorf("EnglishDate(%v) = %q, want %q", tt.t, got, tt.english)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	r := newTestRenderer(b)
	c := sampleCertificate(b, "Nguyễn Thị Phương Thảo")
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := r.Render(&buf, c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1024, "KB/pdf")
}
