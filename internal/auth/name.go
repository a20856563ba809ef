package auth

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// CleanName normalises a full name as typed: NFC, single spaces, trimmed.
func CleanName(name string) string {
	return norm.NFC.String(strings.Join(strings.Fields(name), " "))
}

// CheckName returns the message (in lang) explaining why name cannot be a
// full name on certificates, or "" when it can.
func (a *Auth) CheckName(lang, name string) string {
	if key, args := a.checkName(name); key != "" {
		return tr(lang, key, args...)
	}
	return ""
}

// bidiControl reports whether r reorders the text around it (an override
// such as U+202E makes "gnirts" read as "string"): a name never needs one,
// and on a certificate or in a list it would disguise the name.
func bidiControl(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	}
	return false
}
