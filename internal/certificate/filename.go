package certificate

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// FileName is the readable name of a certificate's PDF, accents kept:
// "Certificaat-Online informeren-Zoë Ĳzerman.pdf". Characters that file
// systems or headers do not accept are left out.
func FileName(title, name string) string {
	return "Certificaat-" + safeFilePart(title) + "-" + safeFilePart(name) + ".pdf"
}

// safeFilePart keeps letters, digits, spaces and harmless punctuation of
// s, in NFC, and folds runs of spaces into one.
func safeFilePart(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFC.String(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
		case r == '-' || r == '\'' || r == '’' || r == '.' || r == ',' || r == '(' || r == ')' || r == '&' || r == '_' || r == '@' || r == '+':
		case unicode.IsSpace(r) || r == '/' || r == '\\' || r == ':':
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		default:
			continue
		}
		space = false
		b.WriteRune(r)
	}
	out := strings.TrimRight(b.String(), " .")
	if out == "" {
		return "certificaat"
	}
	return out
}

// asciiFileName is the fallback name for clients that do not read
// RFC 5987: accents dropped, spaces as hyphens, only [A-Za-z0-9._-].
func asciiFileName(utf8Name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(utf8Name) {
		if s, ok := asciiFold[r]; ok {
			b.WriteString(s)
			hyphen = false
			continue
		}
		switch {
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_'):
			b.WriteRune(r)
			hyphen = false
		case unicode.Is(unicode.Mn, r):
			// a combining accent: drop it, keep the letter
		case r == '\'' || r == '’':
			// O'Brien reads better as OBrien than as O-Brien
		default:
			if !hyphen {
				b.WriteByte('-')
			}
			hyphen = true
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" || out == ".pdf" {
		return "Certificaat.pdf"
	}
	return out
}

// asciiFold spells letters that have no decomposition into ASCII.
var asciiFold = map[rune]string{
	'Ø': "O", 'ø': "o", 'Æ': "AE", 'æ': "ae", 'Œ': "OE", 'œ': "oe", 'ß': "ss",
	'Ł': "L", 'ł': "l", 'Đ': "D", 'đ': "d", 'Ð': "D", 'ð': "d", 'Þ': "Th", 'þ': "th",
	'ı': "i", 'Ħ': "H", 'ħ': "h", 'Ŧ': "T", 'ŧ': "t", 'Ŋ': "N", 'ŋ': "n", 'ĸ': "k",
}

// ContentDisposition is the header value that offers a file for download
// under name (RFC 6266): an ASCII fallback in filename and the exact name,
// percent-encoded UTF-8, in filename* (RFC 5987).
func ContentDisposition(name string) string {
	return `attachment; filename="` + asciiFileName(name) + `"; filename*=UTF-8''` + rfc5987Escape(name)
}

// rfc5987Escape percent-encodes everything outside RFC 5987's attr-char.
func rfc5987Escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
