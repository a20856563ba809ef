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
