package sso

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// Scopes are what the platform asks every provider for.
var Scopes = []string{oidc.ScopeOpenID, "email", "profile"}

// browserCookie ties a login in progress to the browser that started it,
// so that a state sent to someone else's browser (login CSRF) is useless.
func (s *SSO) browserCookie() string {
	if s.secure {
		return "__Host-nabij_sso_login"
	}
	return "nabij_sso_login"
}

// logoutCookie finds the ID token for RP-initiated logout.
func (s *SSO) logoutCookie() string {
	if s.secure {
		return "__Host-nabij_sso_logout"
	}
	return "nabij_sso_logout"
}

func (s *SSO) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, // Lax: the provider's redirect back is a top-level GET
	})
}

func (s *SSO) oauth2Config(p *Provider, op *oidc.Provider, secret string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: p.ClientID, ClientSecret: secret, Endpoint: op.Endpoint(),
		RedirectURL: s.baseURL + CallbackPath, Scopes: Scopes,
	}
}

// domainOf is the lower-cased domain of an address.
func domainOf(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(email[i+1:])
}

// redirectData is the page that sends the browser on to the provider.
type redirectData struct {
	URL     string
	OrgName string
}

// start is the login page's e-mail step: an address in a domain with
// single sign-on goes to its organisation's provider, any other to the
// password step.
func (s *SSO) start(c *gin.Context) {
	ctx := c.Request.Context()
	email := strings.TrimSpace(c.Query("email"))
	back := c.Query("terug")
	if !web.LocalPath(back) {
		back = ""
	}
	passwordStep := func() {
		q := url.Values{"email": {email}}
		if back != "" {
			q.Set("terug", back)
		}
		c.Redirect(http.StatusSeeOther, "/aanmelden?"+q.Encode())
	}
	if email == "" || len(email) > 320 {
		c.Redirect(http.StatusSeeOther, "/aanmelden")
		return
	}
	if !auth.ValidEmail(email) {
		passwordStep()
		return
	}
	p, err := s.store.ProviderForDomain(ctx, domainOf(email))
	if errors.Is(err, database.ErrNotFound) {
		passwordStep()
		return
	}
	if err != nil {
		s.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if !s.starts.allow(c.ClientIP(), time.Now()) {
		c.Header("Retry-After", "60")
		s.render.Error(c, http.StatusTooManyRequests, nil)
		return
	}
	op, err := s.discover(ctx, p.Issuer)
	if err != nil {
		s.unreachable(c, p, err)
		return
	}
	secret, err := s.sealer.Open(p.OrgID, p.Secret, p.SecretSealed)
	if err != nil {
		s.problem(c, http.StatusInternalServerError, "sso.error.secret", err, p.OrgName)
		return
	}
	browser := ""
	if ck, err := c.Request.Cookie(s.browserCookie()); err == nil && len(ck.Value) == 43 {
		browser = ck.Value // several tabs may each be logging in
	} else {
		browser, _ = auth.NewToken()
	}
	state, stateHash := auth.NewToken()
	nonce, _ := auth.NewToken()
	verifier := oauth2.GenerateVerifier()
	err = s.store.StartLogin(ctx, stateHash, loginRow{
		OrgID: p.OrgID, Browser: auth.HashToken(browser), Nonce: nonce, Verifier: verifier, Back: back,
	})
	if err != nil {
		s.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	s.setCookie(c, s.browserCookie(), browser, int(loginLifetime.Seconds()))
	to := s.oauth2Config(p, op, secret).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("login_hint", email))
	// A page, not a redirect: the login form sent the browser here, and the
	// Content-Security-Policy (form-action 'self') forbids a form to end
	// up on another site by redirect. A refresh is no form submission.
	c.Header("Cache-Control", "no-store")
	c.Header("Refresh", "0;url="+to)
	s.render.HTML(c, http.StatusOK, "sso/redirect", i18n.T(web.Lang(c), "sso.redirect.title"),
		redirectData{URL: to, OrgName: p.OrgName})
}

// unreachable is the page for a provider that cannot be reached.
func (s *SSO) unreachable(c *gin.Context, p *Provider, err error) {
	var mismatch *oidc.IssuerMismatchError
	if errors.As(err, &mismatch) {
		s.problem(c, http.StatusBadGateway, "sso.error.issuer_config", err, p.OrgName)
		return
	}
	s.problem(c, http.StatusBadGateway, "sso.error.unreachable", err, p.OrgName)
}

// finish is where the provider sends the browser back with a code.
func (s *SSO) finish(c *gin.Context) {
	ctx := c.Request.Context()
	state := c.Query("state")
	if state == "" || len(state) > 100 {
		s.problem(c, http.StatusBadRequest, "sso.error.state", errors.New("no state"))
		return
	}
	l, err := s.store.TakeLogin(ctx, auth.HashToken(state))
	if errors.Is(err, database.ErrNotFound) {
		s.problem(c, http.StatusBadRequest, "sso.error.state", errors.New("unknown or used state"))
		return
	}
	if err != nil {
		s.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	ck, cerr := c.Request.Cookie(s.browserCookie())
	switch {
	case !l.Fresh:
		s.problem(c, http.StatusBadRequest, "sso.error.state", errors.New("expired state"))
		return
	case cerr != nil || subtle.ConstantTimeCompare(auth.HashToken(ck.Value), l.Browser) != 1:
		s.problem(c, http.StatusBadRequest, "sso.error.state", errors.New("state of another browser"))
		return
	}
	p, err := s.store.Provider(ctx, l.OrgID)
	if errors.Is(err, database.ErrNotFound) {
		s.problem(c, http.StatusBadRequest, "sso.error.state", errors.New("single sign-on was turned off meanwhile"))
		return
	}
	if err != nil {
		s.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if e := c.Query("error"); e != "" {
		// The provider's own description is not shown: anyone can put text
		// in this URL. Its code goes to the log, cut short.
		s.problem(c, http.StatusUnauthorized, "sso.error.denied", fmt.Errorf("provider error %.60q", e), p.OrgName)
		return
	}
	code := c.Query("code")
	if code == "" || len(code) > 4000 {
		s.problem(c, http.StatusBadRequest, "sso.error.state", errors.New("no code"))
		return
	}
	op, err := s.discover(ctx, p.Issuer)
	if err != nil {
		s.unreachable(c, p, err)
		return
	}
	secret, err := s.sealer.Open(p.OrgID, p.Secret, p.SecretSealed)
	if err != nil {
		s.problem(c, http.StatusInternalServerError, "sso.error.secret", err, p.OrgName)
		return
	}
	xctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	tok, err := s.oauth2Config(p, op, secret).Exchange(oidc.ClientContext(xctx, s.client), code, oauth2.VerifierOption(l.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			// The provider answered, and refused: most often an expired
			// or wrong client secret.
			s.problem(c, http.StatusBadGateway, "sso.error.exchange", err, p.OrgName)
			return
		}
		s.unreachable(c, p, err)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		s.problem(c, http.StatusBadGateway, "sso.error.token", errNoIDToken, p.OrgName)
		return
	}
	idt, err := op.Verifier(&oidc.Config{ClientID: p.ClientID}).Verify(ctx, raw)
	if err != nil {
		s.problem(c, http.StatusUnauthorized, tokenProblem(raw, p, err), err, p.OrgName)
		return
	}
	// go-oidc checks that our client is among the audiences; OpenID
	// Connect Core 3.1.3.7 also refuses audiences the client does not
	// trust, and an authorized party (azp) other than the client.
	if !onlyAudience(idt.Audience, p.ClientID) || !authorizedParty(idt, p.ClientID) {
		s.problem(c, http.StatusUnauthorized, "sso.error.audience", fmt.Errorf("audience %q", idt.Audience), p.OrgName)
		return
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(l.Nonce)) != 1 {
		s.problem(c, http.StatusUnauthorized, "sso.error.nonce", errors.New("nonce differs"), p.OrgName)
		return
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		s.problem(c, http.StatusBadGateway, "sso.error.token", err, p.OrgName)
		return
	}
	id, key := identity(idt, claims, p)
	if key != "" {
		s.problem(c, http.StatusForbidden, key, errors.New(key), p.OrgName)
		return
	}
	out, err := s.store.SignIn(ctx, p.OrgID, id)
	switch {
	case errors.Is(err, ErrOtherOrganisation):
		s.problem(c, http.StatusForbidden, "sso.error.other_org", err, p.OrgName)
		return
	case errors.Is(err, ErrInactive):
		s.problem(c, http.StatusForbidden, "sso.error.inactive", err, p.OrgName)
		return
	case err != nil:
		s.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	s.accounts.Forget(out.UserID) // the claims may have changed the role
	if err := s.accounts.StartSession(c, out.UserID); err != nil {
		s.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	s.setCookie(c, s.browserCookie(), "", -1)
	if endSession(op) != "" {
		ticket, hash := auth.NewToken()
		if err := s.store.SaveLogout(ctx, hash, p.OrgID, raw, s.session); err != nil {
			s.log.Error("sso logout ticket", "request_id", web.RequestID(c), "error", err.Error())
		} else {
			s.setCookie(c, s.logoutCookie(), ticket, int(s.session.Seconds()))
		}
	}
	s.log.Info("sso login", "request_id", web.RequestID(c), "organisation_id", p.OrgID, "user_id", out.UserID,
		"created", out.Created, "linked", out.Linked)
	back := l.Back
	if back == "" {
		back = "/mijn-leertraject"
	}
	web.Redirect(c, back, "ok", i18n.T(web.Lang(c), "sso.login.welcome", p.OrgName))
}

// tokenProblem names why go-oidc refused an ID token, for the person: the
// token's own (unverified) claims are read only to pick the message, after
// the token was refused.
func tokenProblem(raw string, p *Provider, err error) string {
	var expired *oidc.TokenExpiredError
	if errors.As(err, &expired) {
		return "sso.error.expired"
	}
	var c struct {
		Issuer   string          `json:"iss"`
		Audience json.RawMessage `json:"aud"`
	}
	parts := strings.Split(raw, ".")
	if len(parts) == 3 {
		if b, derr := base64.RawURLEncoding.DecodeString(parts[1]); derr == nil {
			json.Unmarshal(b, &c) //nolint:errcheck // only picks the message
		}
	}
	if c.Issuer != "" && c.Issuer != p.Issuer {
		return "sso.error.issuer"
	}
	if len(c.Audience) > 0 {
		var one string
		var many []string
		if json.Unmarshal(c.Audience, &one) == nil {
			many = []string{one}
		} else {
			json.Unmarshal(c.Audience, &many) //nolint:errcheck
		}
		if !onlyAudience(many, p.ClientID) {
			return "sso.error.audience"
		}
	}
	return "sso.error.signature"
}

// onlyAudience reports whether the audiences are exactly the client.
func onlyAudience(aud []string, clientID string) bool {
	for _, a := range aud {
		if a != clientID {
			return false
		}
	}
	return len(aud) > 0
}

// authorizedParty reports whether the token's azp, when present, is the
// client.
func authorizedParty(idt *oidc.IDToken, clientID string) bool {
	var c struct {
		AZP string `json:"azp"`
	}
	if err := idt.Claims(&c); err != nil {
		return false
	}
	return c.AZP == "" || c.AZP == clientID
}

// identity reads who signed in from the verified claims, or names the
// message that refuses them.
func identity(idt *oidc.IDToken, claims map[string]any, p *Provider) (Identity, string) {
	str := func(k string) string { v, _ := claims[k].(string); return strings.TrimSpace(v) }
	email := str("email")
	if email == "" || !auth.ValidEmail(email) {
		return Identity{}, "sso.error.no_email"
	}
	// email_verified is the standard claim; Entra ID sends xms_edov
	// ("e-mail domain owner verified") instead, when configured.
	if !isTrue(claims["email_verified"]) && !isTrue(claims["xms_edov"]) {
		return Identity{}, "sso.error.unverified"
	}
	if !slices.Contains(p.DomainList(), domainOf(email)) {
		return Identity{}, "sso.error.domain"
	}
	name := str("name")
	if name == "" {
		name = strings.TrimSpace(str("given_name") + " " + str("family_name"))
	}
	if name == "" {
		name = email[:strings.IndexByte(email, '@')]
	}
	if len([]rune(name)) > 200 {
		name = string([]rune(name)[:200])
	}
	id := Identity{Issuer: idt.Issuer, Subject: idt.Subject, Email: email, Name: name}
	if p.ManagerClaim != "" {
		m := slices.Contains(claimStrings(claims[p.ManagerClaim]), p.ManagerValue)
		id.Manager = &m
	}
	if p.TeamClaim != "" {
		id.Teams = claimStrings(claims[p.TeamClaim])
	}
	return id, ""
}

func isTrue(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string: // some providers send "true"
		return b == "true"
	}
	return false
}

// claimStrings reads a claim that is one string or a list of them.
func claimStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
