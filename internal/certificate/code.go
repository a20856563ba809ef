package certificate

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// A certificate code is 27 random symbols of Crockford's base32 (135 bits)
// followed by one check symbol (Luhn mod 32), so that a mistyped code is
// recognised as a typo before anything is looked up. The raw form is what is
// stored; FormatCode groups it for people.
const (
	// CodeLength is the number of symbols of a raw code, check symbol included.
	CodeLength = 28

	codeRandomSymbols = CodeLength - 1
	codeGroup         = 4

	// crockford is Crockford's base32 alphabet: digits and capitals without
	// I, L, O and U, which are easily confused or read as words.
	crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)

// NewCode returns a fresh random code in its raw form: CodeLength symbols of
// Crockford's base32, upper case, the last one a check symbol.
func NewCode() (string, error) {
	// 256 is a multiple of 32, so the low five bits of each byte are uniform.
	random := make([]byte, codeRandomSymbols)
	if _, err := rand.Read(random); err != nil {
		return "", fmt.Errorf("certificate: new code: %w", err)
	}
	values := make([]int, codeRandomSymbols, CodeLength)
	for i, b := range random {
		values[i] = int(b & 31)
	}
	values = append(values, checkValue(values))

	var b strings.Builder
	b.Grow(CodeLength)
	for _, v := range values {
		b.WriteByte(crockford[v])
	}
	return b.String(), nil
}

// FormatCode splits a raw code into hyphenated groups of four, the form
// printed on certificates: "7KQ2-M9XD-…".
func FormatCode(raw string) string {
	var b strings.Builder
	b.Grow(len(raw) + len(raw)/codeGroup)
	for i := 0; i < len(raw); i += codeGroup {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(raw[i:min(i+codeGroup, len(raw))])
	}
	return b.String()
}

// NormalizeCode turns a code as a person typed it into its raw form. It
// ignores case, spaces and hyphens, reads O as zero and I or L as one. It
// reports false for anything else: a wrong length, a character outside the
// alphabet or a wrong check symbol (a typo).
func NormalizeCode(typed string) (string, bool) {
	// Generous room for separators, but no work on arbitrarily long input.
	if len(typed) > 4*CodeLength {
		return "", false
	}
	values := make([]int, 0, CodeLength)
	for _, r := range typed {
		if isCodeSeparator(r) {
			continue
		}
		v := symbolValue(r)
		if v < 0 || len(values) == CodeLength {
			return "", false
		}
		values = append(values, v)
	}
	if len(values) != CodeLength || checkValue(values[:codeRandomSymbols]) != values[codeRandomSymbols] {
		return "", false
	}

	var b strings.Builder
	b.Grow(CodeLength)
	for _, v := range values {
		b.WriteByte(crockford[v])
	}
	return b.String(), true
}

// isCodeSeparator reports whether r may sit between symbols of a typed code:
// spaces and the dashes that word processors and PDF viewers substitute for a
// hyphen when a code is copied.
func isCodeSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '-', '\u00a0', '\u202f', '\u2212':
		return true
	}
	return r >= '\u2010' && r <= '\u2015'
}

// symbolValue returns the value of a Crockford symbol, or -1.
func symbolValue(r rune) int {
	if r >= 'a' && r <= 'z' {
		r -= 'a' - 'A'
	}
	switch r {
	case 'O':
		r = '0'
	case 'I', 'L':
		r = '1'
	}
	if r > 'Z' {
		return -1
	}
	return strings.IndexByte(crockford, byte(r))
}

// checkValue computes the Luhn mod 32 check value of values: it catches
// every single wrong symbol and nearly every swap of two neighbours.
func checkValue(values []int) int {
	const n = len(crockford)
	sum := 0
	double := true
	for i := len(values) - 1; i >= 0; i-- {
		v := values[i]
		if double {
			v *= 2
			v = v/n + v%n
		}
		sum += v
		double = !double
	}
	return (n - sum%n) % n
}
