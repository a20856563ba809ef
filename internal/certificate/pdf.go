// Package certificate renders the PDF certificates of completed modules and
// programmes, and makes and reads the codes that verify them.
package certificate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/yeqown/go-qrcode/v2"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"

	"nabij.be/leerplatform/static"
)

// ErrUnprintable means that a text holds characters the embedded fonts
// cannot show; Unprintable says which.
var ErrUnprintable = errors.New("characters the certificate font cannot print")

// Certificate is what a PDF shows.
type Certificate struct {
	Name         string    // learner's full name, frozen at issue
	Organisation string    // may be empty
	Title        string    // module title, or programme title for the full programme
	Completed    time.Time // shown as a calendar day in Brussels
	Minutes      int       // study load; 0 leaves the line out
	Code         string    // human form, see FormatCode
	VerifyURL    string    // absolute URL that verifies the code
	Issuer       string    // e.g. "N@BIJ leerplatform"
}

// DefaultIssuer is shown when a Certificate names no issuer.
const DefaultIssuer = "N@BIJ leerplatform"

// The faces, by the family name fpdf knows them under, and their files in
// static/fonts. Every face may print text that a person typed, so CanPrint
// asks all of them.
const (
	faceSerif = "serif"
	faceSans  = "sans"
	styleBold = "B"
)

var fontFiles = []struct{ family, style, file string }{
	{faceSerif, "", "fonts/NotoSerif-Regular.ttf"},
	{faceSans, "", "fonts/NotoSans-Regular.ttf"},
	{faceSans, styleBold, "fonts/NotoSans-Bold.ttf"},
}

// Page geometry in millimetres (A4 landscape) and colours.
const (
	pageWidth  = 297.0
	pageHeight = 210.0
	textWidth  = pageWidth - 2*40 // the text column between generous margins
	qrSize     = 30.0
)

type colour struct{ r, g, b int }

var (
	teal      = colour{0x1d, 0x5c, 0x63} // the accent
	tealLight = colour{0x9c, 0xbd, 0xc0} // the inner rule
	ink       = colour{0x1f, 0x29, 0x33} // names and titles
	muted     = colour{0x4a, 0x55, 0x60} // the running sentence
)

// Renderer draws certificates. It holds the font files, read once; it is safe
// for concurrent use.
type Renderer struct {
	fonts    [][]byte     // in the order of fontFiles
	faces    []*sfnt.Font // the same fonts, parsed for glyph lookups
	location *time.Location
}

// NewRenderer reads and checks the embedded fonts.
func NewRenderer() (*Renderer, error) {
	r := &Renderer{location: time.Local}
	for _, f := range fontFiles {
		data, err := static.FS.ReadFile(f.file)
		if err != nil {
			return nil, fmt.Errorf("certificate: read font: %w", err)
		}
		face, err := sfnt.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("certificate: parse font %s: %w", f.file, err)
		}
		r.fonts = append(r.fonts, data)
		r.faces = append(r.faces, face)
	}
	// Dates are Belgian. Without the time zone database the date stays in
	// the location the caller gave.
	if loc, err := time.LoadLocation("Europe/Brussels"); err == nil {
		r.location = loc
	}
	return r, nil
}

// CanPrint reports whether the fonts have a glyph for every character of s.
func (r *Renderer) CanPrint(s string) bool {
	return len(r.Unprintable(s)) == 0
}

// Unprintable returns the characters of s that the fonts cannot print, each
// once, in order of appearance. Text is compared in NFC, as it is printed.
func (r *Renderer) Unprintable(s string) []rune {
	var (
		missing []rune
		buf     sfnt.Buffer
	)
	for _, c := range norm.NFC.String(s) {
		if r.printable(&buf, c) || containsRune(missing, c) {
			continue
		}
		missing = append(missing, c)
	}
	return missing
}

func (r *Renderer) printable(buf *sfnt.Buffer, c rune) bool {
	// fpdf writes text as UTF-16 without surrogate pairs, and control
	// characters have no place on a certificate.
	if c < ' ' || (c >= 0x7f && c < 0xa0) || c > 0xffff {
		return false
	}
	for _, face := range r.faces {
		if g, err := face.GlyphIndex(buf, c); err != nil || g == 0 {
			return false
		}
	}
	return true
}

func containsRune(rs []rune, c rune) bool {
	for _, r := range rs {
		if r == c {
			return true
		}
	}
	return false
}

// Render writes c as a one-page PDF to w. Nothing is written when it fails.
func (r *Renderer) Render(w io.Writer, c Certificate) error {
	c = r.normalise(c)
	if c.Name == "" || c.Title == "" || c.Code == "" || c.VerifyURL == "" {
		return errors.New("certificate: render: name, title, code and verification URL are required")
	}
	fields := []struct{ name, text string }{
		{"name", c.Name}, {"organisation", c.Organisation}, {"title", c.Title},
		{"code", c.Code}, {"verification URL", c.VerifyURL}, {"issuer", c.Issuer},
	}
	for _, f := range fields {
		// The field, not its text: a learner's name has no place in a log.
		if missing := r.Unprintable(f.text); len(missing) > 0 {
			return fmt.Errorf("certificate: render %s: %w: %q", f.name, ErrUnprintable, string(missing))
		}
	}
	matrix, err := qrMatrix(c.VerifyURL)
	if err != nil {
		return fmt.Errorf("certificate: render: QR code: %w", err)
	}

	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "L", UnitStr: "mm", SizeStr: "A4"})
	for i, f := range fontFiles {
		pdf.AddUTF8FontFromBytes(f.family, f.style, r.fonts[i])
	}
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetTitle("Getuigschrift "+c.Title+" – "+c.Name, true)
	pdf.SetSubject("Getuigschrift met verificatiecode "+c.Code, true)
	pdf.SetAuthor(c.Issuer, true)
	pdf.SetCreator(c.Issuer, true)
	pdf.SetKeywords("getuigschrift certificaat N@BIJ", true)
	pdf.SetLang("nl-BE")
	pdf.SetDisplayMode("fullpage", "single")
	pdf.AddPage()

	drawFrame(pdf)
	drawBody(pdf, c)
	drawFooter(pdf, c, matrix)

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("certificate: render: %w", err)
	}
	if _, err := buf.WriteTo(w); err != nil {
		return fmt.Errorf("certificate: write: %w", err)
	}
	return nil
}

// normalise prepares c for printing: NFC, so that accents are precomposed
// glyphs (fpdf does not position combining marks), the date in Brussels and
// the default issuer.
func (r *Renderer) normalise(c Certificate) Certificate {
	c.Name = norm.NFC.String(strings.TrimSpace(c.Name))
	c.Organisation = norm.NFC.String(strings.TrimSpace(c.Organisation))
	c.Title = norm.NFC.String(strings.TrimSpace(c.Title))
	c.Code = strings.TrimSpace(c.Code)
	c.VerifyURL = strings.TrimSpace(c.VerifyURL)
	c.Issuer = norm.NFC.String(strings.TrimSpace(c.Issuer))
	if c.Issuer == "" {
		c.Issuer = DefaultIssuer
	}
	c.Completed = c.Completed.In(r.location)
	return c
}

// drawFrame draws a double rule around the page: a firm outer line and a
// light inner one.
func drawFrame(pdf *fpdf.Fpdf) {
	setDraw(pdf, teal)
	pdf.SetLineWidth(0.8)
	pdf.Rect(10, 10, pageWidth-20, pageHeight-20, "D")
	setDraw(pdf, tealLight)
	pdf.SetLineWidth(0.25)
	pdf.Rect(13, 13, pageWidth-26, pageHeight-26, "D")
}

// drawBody writes the heading and the sentence that carries the facts:
// NAME, verbonden aan ORGANISATION, heeft op DATE met succes afgerond: TITLE.
func drawBody(pdf *fpdf.Fpdf, c Certificate) {
	setText(pdf, teal)
	pdf.SetFont(faceSans, styleBold, 11)
	centre(pdf, 35, c.Issuer)

	pdf.SetFont(faceSerif, "", 38)
	centre(pdf, 56, "Getuigschrift")
	setDraw(pdf, teal)
	pdf.SetLineWidth(0.5)
	pdf.Line(pageWidth/2-18, 63, pageWidth/2+18, 63)

	setText(pdf, muted)
	pdf.SetFont(faceSans, "", 12)
	centre(pdf, 79, "Hierbij bevestigen wij dat")

	setText(pdf, ink)
	y := fitLines(pdf, c.Name, faceSerif, "", 32, 14, 94, 2)

	setText(pdf, muted)
	if c.Organisation != "" {
		y = fitLines(pdf, "verbonden aan "+c.Organisation, faceSans, "", 12, 9, y+10, 2)
	}
	pdf.SetFont(faceSans, "", 12)
	y += 10
	centre(pdf, y, "op "+DutchDate(c.Completed)+" met succes heeft afgerond:")

	setText(pdf, teal)
	y = fitLines(pdf, c.Title, faceSans, styleBold, 17, 11, y+12, 3)

	if load := studyLoad(c.Minutes); load != "" {
		setText(pdf, muted)
		pdf.SetFont(faceSans, "", 11)
		centre(pdf, y+10, "Studiebelasting: "+load)
	}
}

// drawFooter writes the verification block on the left and the QR code of
// the verification URL on the right.
func drawFooter(pdf *fpdf.Fpdf, c Certificate, matrix [][]bool) {
	const left, bottom = 26.0, pageHeight - 26.0
	qrX, qrY := pageWidth-left-qrSize, bottom-qrSize

	setText(pdf, muted)
	pdf.SetFont(faceSans, "", 8)
	pdf.Text(left, bottom-23, "Verificatiecode")
	setText(pdf, ink)
	pdf.SetFont(faceSans, styleBold, 12)
	pdf.Text(left, bottom-17, c.Code)
	setText(pdf, muted)
	pdf.SetFont(faceSans, "", 8)
	pdf.Text(left, bottom-7.5, "Controleer de echtheid op")
	setText(pdf, teal)
	fitFont(pdf, c.VerifyURL, faceSans, "", 9, 5, qrX-left-10)
	pdf.Text(left, bottom-2, c.VerifyURL)

	drawQR(pdf, matrix, qrX, qrY, qrSize)
}

// qrMatrix encodes text as a QR code (error correction level M) and returns
// its modules, dark ones true, without the quiet zone.
func qrMatrix(text string) ([][]bool, error) {
	code, err := qrcode.NewWith(text,
		qrcode.WithEncodingMode(qrcode.EncModeByte),
		qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return nil, err
	}
	var m matrixWriter
	if err := code.Save(&m); err != nil {
		return nil, err
	}
	return m.bitmap, nil
}

// matrixWriter keeps the modules of a QR code instead of writing an image.
type matrixWriter struct{ bitmap [][]bool }

func (m *matrixWriter) Write(mat qrcode.Matrix) error {
	m.bitmap = mat.Bitmap()
	return nil
}

func (m *matrixWriter) Close() error { return nil }

// drawQR draws the modules as filled rectangles, one per horizontal run, in a
// square of the given size. The page around it is white, and nothing else is
// drawn within the four modules of quiet zone that scanners need.
func drawQR(pdf *fpdf.Fpdf, matrix [][]bool, x, y, size float64) {
	if len(matrix) == 0 {
		return
	}
	module := size / float64(len(matrix))
	// A hair of overlap keeps viewers from showing seams between modules.
	const overlap = 0.03
	pdf.SetFillColor(0, 0, 0)
	for row, modules := range matrix {
		for col := 0; col < len(modules); {
			if !modules[col] {
				col++
				continue
			}
			start := col
			for col < len(modules) && modules[col] {
				col++
			}
			pdf.Rect(x+float64(start)*module, y+float64(row)*module,
				float64(col-start)*module+overlap, module+overlap, "F")
		}
	}
}

// fitFont sets the largest font size from largest down to smallest at which
// text fits in width, and returns it.
func fitFont(pdf *fpdf.Fpdf, text, family, style string, largest, smallest, width float64) float64 {
	pdf.SetFont(family, style, largest)
	size := largest
	if w := pdf.GetStringWidth(text); w > width {
		// Rounded down to a tenth of a point, so that it surely fits.
		size = max(smallest, math.Floor(largest*width/w*10)/10)
		pdf.SetFontSize(size)
	}
	return size
}

// fitLines writes text centred with its first baseline at y, shrinking the
// font from largest towards smallest until it fits the text column. Text
// that does not fit even then is wrapped onto at most lines lines, in a
// smaller font still if need be. It returns the last baseline.
func fitLines(pdf *fpdf.Fpdf, text, family, style string, largest, smallest, y float64, lines int) float64 {
	size := fitFont(pdf, text, family, style, largest, smallest, textWidth)
	if pdf.GetStringWidth(text) <= textWidth {
		centre(pdf, y, text)
		return y
	}
	parts := pdf.SplitText(text, textWidth)
	for len(parts) > lines && size > 4 {
		size *= 0.9
		pdf.SetFontSize(size)
		parts = pdf.SplitText(text, textWidth)
	}
	if len(parts) > lines { // absurdly long: callers limit lengths
		parts = parts[:lines]
	}
	leading := size * 25.4 / 72 * 1.25 // points to millimetres, with line spacing
	for i, part := range parts {
		centre(pdf, y+float64(i)*leading, part)
	}
	return y + float64(len(parts)-1)*leading
}

// centre writes text centred on the page with its baseline at y.
func centre(pdf *fpdf.Fpdf, y float64, text string) {
	pdf.Text((pageWidth-pdf.GetStringWidth(text))/2, y, text)
}

// studyLoad writes minutes as Dutch hours and minutes: "2 uur 30 minuten".
func studyLoad(minutes int) string {
	if minutes <= 0 {
		return ""
	}
	var parts []string
	if h := minutes / 60; h > 0 {
		parts = append(parts, strconv.Itoa(h)+" uur")
	}
	switch m := minutes % 60; {
	case m == 1:
		parts = append(parts, "1 minuut")
	case m > 1:
		parts = append(parts, strconv.Itoa(m)+" minuten")
	}
	return strings.Join(parts, " ")
}

func setText(pdf *fpdf.Fpdf, c colour) { pdf.SetTextColor(c.r, c.g, c.b) }
func setDraw(pdf *fpdf.Fpdf, c colour) { pdf.SetDrawColor(c.r, c.g, c.b) }
