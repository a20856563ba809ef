package sso

import (
	"errors"
	"net"
	"net/url"
	"strings"
	"time"

	"nabij.be/leerplatform/internal/i18n"
)

// Settings is an organisation's single sign-on configuration as an admin
// enters it, in the admin page or with `nabij org sso`.
type Settings struct {
	Issuer        string
	ClientID      string
	Secret        string // empty keeps the stored secret
	Domains       []string
	ManagerClaim  string // a claim, e.g. "groups" or "roles" …
	ManagerValue  string // … and the value in it that makes a manager
	TeamClaim     string // a claim holding the name(s) of the person's team(s)
	SSOOnly       bool
	SecretExpires *time.Time // the client secret's expiry date, as the provider showed it
}

// Problem is a setting that cannot be saved; Key is a message of the
// i18n catalogue.
type Problem struct {
	Key  string
	Args []any
}

func (p *Problem) Error() string { return i18n.T("en", p.Key, p.Args...) }

// Message is the problem in a language.
func (p *Problem) Message(lang string) string { return i18n.T(lang, p.Key, p.Args...) }

// ErrSecretNeeded is returned when a new configuration comes without a
// client secret.
var ErrSecretNeeded = &Problem{Key: "sso.settings.secret_needed"}

// ParseDomains splits "a.be, b.be" into tidied, distinct domains.
func ParseDomains(s string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, d := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == ';' }) {
		d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "@")
		if d == "" || seen[d] {
			continue
		}
		if !validDomain(d) {
			return nil, &Problem{Key: "sso.settings.domain_invalid", Args: []any{d}}
		}
		seen[d] = true
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, &Problem{Key: "sso.settings.domains_needed"}
	}
	return out, nil
}

func validDomain(d string) bool {
	if len(d) < 3 || len(d) > 253 || !strings.Contains(d, ".") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// ParseManagerClaim splits "groups=ocmw-managers" into the claim and its
// value. An empty string means no mapping.
func ParseManagerClaim(s string) (claim, value string, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "", nil
	}
	claim, value, ok := strings.Cut(s, "=")
	claim, value = strings.TrimSpace(claim), strings.TrimSpace(value)
	if !ok || claim == "" || value == "" || len(s) > 500 {
		return "", "", &Problem{Key: "sso.settings.manager_invalid"}
	}
	return claim, value, nil
}

// ParseDate reads a date as 2027-03-31; empty is none.
func ParseDate(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, &Problem{Key: "sso.settings.date_invalid"}
	}
	return &d, nil
}

// Validate checks the settings and tidies them.
func (s *Settings) Validate() error {
	s.Issuer = strings.TrimSpace(s.Issuer)
	s.ClientID = strings.TrimSpace(s.ClientID)
	s.TeamClaim = strings.TrimSpace(s.TeamClaim)
	u, err := url.Parse(s.Issuer)
	switch {
	case err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || len(s.Issuer) > 500:
		return &Problem{Key: "sso.settings.issuer_invalid"}
	case u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())):
		// Plain http only for a provider on this machine (development, tests).
		return &Problem{Key: "sso.settings.issuer_https"}
	case s.ClientID == "" || len(s.ClientID) > 500:
		return &Problem{Key: "sso.settings.client_id_needed"}
	case len(s.Secret) > 4000:
		return &Problem{Key: "sso.settings.secret_long"}
	case len(s.Domains) == 0:
		return &Problem{Key: "sso.settings.domains_needed"}
	case len(s.TeamClaim) > 200:
		return &Problem{Key: "sso.settings.team_invalid"}
	}
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// AsProblem returns the Problem in err, if any.
func AsProblem(err error) (*Problem, bool) {
	var p *Problem
	ok := errors.As(err, &p)
	return p, ok
}
