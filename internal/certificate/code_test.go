package certificate

import (
	"math/bits"
	"regexp"
	"strings"
	"testing"
)

func TestNewCodeHasEnoughEntropy(t *testing.T) {
	// Each random symbol carries log2(32) = 5 bits; the check symbol none.
	symbolBits := bits.Len(uint(len(crockford))) - 1
	if got := codeRandomSymbols * symbolBits; got < 128 {
		t.Fatalf("random bits = %d, want at least 128", got)
	}

	code, err := NewCode()
	if err != nil {
		t.Fatal(err)
	}
	if len(code) != CodeLength {
		t.Errorf("len(%q) = %d, want %d", code, len(code), CodeLength)
	}
	if !regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]+$`).MatchString(code) {
		t.Errorf("code %q has characters outside Crockford's base32", code)
	}
	if raw, ok := NormalizeCode(code); !ok || raw != code {
		t.Errorf("NormalizeCode(%q) = %q, %v, want the code itself, true", code, raw, ok)
	}
}

func TestNewCodeIsUniqueAndUsesTheWholeAlphabet(t *testing.T) {
	const n = 20000
	seen := make(map[string]bool, n)
	symbols := make(map[byte]bool)
	for range n {
		code, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if seen[code] {
			t.Fatalf("code %q issued twice", code)
		}
		seen[code] = true
		symbols[code[0]] = true
	}
	// Chance that a fair source misses one of 32 symbols in 20000 draws:
	// about 32 × (31/32)^20000, i.e. never.
	if len(symbols) != len(crockford) {
		t.Errorf("first symbols seen = %d, want all %d", len(symbols), len(crockford))
	}
}

func TestFormatCodeAndNormalizeCodeRoundTrip(t *testing.T) {
	human := regexp.MustCompile(`^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$`)
	for range 200 {
		raw, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		formatted := FormatCode(raw)
		if !human.MatchString(formatted) {
			t.Fatalf("FormatCode(%q) = %q, want 7 groups of 4 separated by hyphens", raw, formatted)
		}
		typed := []string{
			formatted,
			strings.ToLower(formatted),
			strings.ReplaceAll(formatted, "-", " "),
			strings.ReplaceAll(formatted, "-", ""),
			strings.ReplaceAll(formatted, "-", " – "), // an en dash from a word processor
			"  " + strings.ToLower(strings.ReplaceAll(formatted, "-", "")) + "\t",
			confuse(formatted),
		}
		for _, s := range typed {
			got, ok := NormalizeCode(s)
			if !ok || got != raw {
				t.Errorf("NormalizeCode(%q) = %q, %v, want %q, true", s, got, ok, raw)
			}
		}
	}
}

// confuse types a code as a person might misread it: O for zero, I or l
// for one.
func confuse(code string) string {
	ones := 0
	return strings.Map(func(r rune) rune {
		switch r {
		case '0':
			return 'O'
		case '1':
			ones++
			if ones%2 == 0 {
				return 'l'
			}
			return 'I'
		}
		return r
	}, code)
}

func TestFormatCode(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"", ""},
		{"ABC", "ABC"},
		{"ABCD", "ABCD"},
		{"ABCDE", "ABCD-E"},
		{"0123456789ABCDEFGHJKMNPQRSTV", "0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV"},
	}
	for _, tt := range tests {
		if got := FormatCode(tt.raw); got != tt.want {
			t.Errorf("FormatCode(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestNormalizeCodeRejectsMalformedInput(t *testing.T) {
	raw, err := NewCode()
	if err != nil {
		t.Fatal(err)
	}
	formatted := FormatCode(raw)
	bad := map[string]string{
		"empty":           "",
		"only separators": " - - ",
		"too short":       raw[:CodeLength-1],
		"too long":        raw + "0",
		"twice":           raw + raw,
		"letter U":        "U" + raw[1:],
		"punctuation":     raw[:10] + "!" + raw[11:],
		"accented":        raw[:10] + "é" + raw[11:],
		"fullwidth digit": raw[:10] + "１" + raw[11:],
		"dot separator":   strings.ReplaceAll(formatted, "-", "."),
		"SQL injection":   "' OR 1=1 --",
		"SQL in code":     raw[:20] + "';DROP TABLE x;--",
		"XSS":             "<script>alert(1)</script>",
		"XSS in code":     raw[:14] + "<b>" + raw[14:],
		"NUL byte":        raw[:27] + "\x00",
		"invalid UTF-8":   raw[:27] + "\xff",
		"very long":       raw + strings.Repeat(" ", 200),
	}
	for name, s := range bad {
		if got, ok := NormalizeCode(s); ok {
			t.Errorf("%s: NormalizeCode(%q) = %q, true, want false", name, s, got)
		}
	}
}

func TestNormalizeCodeCatchesEveryOneSymbolTypo(t *testing.T) {
	raw, err := NewCode()
	if err != nil {
		t.Fatal(err)
	}
	for i := range CodeLength {
		for _, c := range []byte(crockford) {
			if c == raw[i] {
				continue
			}
			typo := raw[:i] + string(c) + raw[i+1:]
			if _, ok := NormalizeCode(typo); ok {
				t.Errorf("NormalizeCode(%q) accepted a typo at position %d of %q", typo, i, raw)
			}
		}
	}
}

func TestNormalizeCodeCatchesSwappedNeighbours(t *testing.T) {
	// Luhn mod 32 misses one swap only: "0" and "Z" side by side.
	for range 200 {
		raw, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		for i := range CodeLength - 1 {
			a, b := raw[i], raw[i+1]
			if a == b || (a == '0' && b == 'Z') || (a == 'Z' && b == '0') {
				continue
			}
			swapped := raw[:i] + string(b) + string(a) + raw[i+2:]
			if _, ok := NormalizeCode(swapped); ok {
				t.Errorf("NormalizeCode(%q) accepted %q with positions %d and %d swapped", swapped, raw, i, i+1)
			}
		}
	}
}
