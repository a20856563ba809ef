// Package ssotest runs a real OpenID Connect provider inside a test: the
// provider of zitadel/oidc (pkg/op) on a loopback port, with an in-memory
// storage, a one-field login page and a few switches that make it misbehave
// the way a misconfigured or hostile provider would (another issuer or
// audience in its ID tokens, a foreign nonce, tokens that are already
// expired). The platform's relying party verifies whatever it sends, for
// real; nothing of the token check is mocked.
package ssotest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// User is a person known to the provider.
type User struct {
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	Claims        map[string]any // extra claims in the ID token, e.g. "groups"
}

// Tamper makes the provider's next ID tokens wrong in one way.
type Tamper struct {
	Issuer   string        // the "iss" of ID tokens (discovery keeps the real one)
	Audience []string      // the "aud" of ID tokens
	Nonce    string        // the "nonce" of ID tokens
	Lifetime time.Duration // negative: tokens expired when issued
}

// Provider is a running OpenID provider.
type Provider struct {
	Issuer string
	server *httptest.Server
	op     *op.Provider

	mu        sync.Mutex
	clients   map[string]*client
	users     map[string]User // by subject
	requests  map[string]*authRequest
	codes     map[string]string // code → request id
	tamper    Tamper
	nonces    []string // the nonces of the auth requests, in order
	key       *rsa.PrivateKey
	logins    int
	endedSess int
}

// New starts a provider on a loopback port with an http issuer, which the
// provider allows only because of op.WithAllowInsecure (test use).
func New(t testing.TB) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("ssotest: key: %v", err)
	}
	p := &Provider{
		clients: map[string]*client{}, users: map[string]User{}, requests: map[string]*authRequest{},
		codes: map[string]string{}, key: key,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("ssotest: listen: %v", err)
	}
	p.server = &httptest.Server{Listener: ln, Config: &http.Server{}}
	p.Issuer = "http://" + ln.Addr().String()
	cfg := &op.Config{
		CryptoKey:                sha256.Sum256([]byte("ssotest access tokens")),
		DefaultLogoutRedirectURI: "/abgemeldet",
		CodeMethodS256:           true,
		AuthMethodPost:           true,
	}
	issuer := func(insecure bool) (op.IssuerFromRequest, error) {
		if err := op.ValidateIssuer(p.Issuer, insecure); err != nil {
			return nil, err
		}
		return func(r *http.Request) string {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.tamper.Issuer != "" && r.URL.Path == "/oauth/token" {
				return p.tamper.Issuer
			}
			return p.Issuer
		}, nil
	}
	p.op, err = op.NewProvider(cfg, &storage{p: p}, issuer, op.WithAllowInsecure())
	if err != nil {
		t.Fatalf("ssotest: provider: %v", err)
	}
	mux := http.NewServeMux()
	login := op.NewIssuerInterceptor(p.op.IssuerFromRequest)
	mux.HandleFunc("GET /login", p.loginForm)
	mux.Handle("POST /login", login.HandlerFunc(p.login))
	mux.HandleFunc("/abgemeldet", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "signed out") })
	mux.Handle("/", p.op)
	p.server.Config.Handler = mux
	p.server.Start()
	t.Cleanup(p.server.Close)
	return p
}

// Stop shuts the provider down: its address then refuses connections.
func (p *Provider) Stop() { p.server.Close() }

// AddClient registers the platform as a confidential web client.
func (p *Provider) AddClient(id, secret string, redirectURIs, postLogout []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clients[id] = &client{id: id, secret: secret, redirects: redirectURIs, postLogout: postLogout, p: p}
}

// AddUser adds or replaces a person.
func (p *Provider) AddUser(u User) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.users[u.Subject] = u
}

// SetTamper makes the next ID tokens wrong in the ways t says; the zero
// Tamper makes them right again.
func (p *Provider) SetTamper(t Tamper) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tamper = t
}

// Nonces returns the nonces the relying party sent, in order.
func (p *Provider) Nonces() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.nonces...)
}

// Logins counts the completed logins at the provider.
func (p *Provider) Logins() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logins
}

// EndedSessions counts the RP-initiated logouts the provider accepted.
func (p *Provider) EndedSessions() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.endedSess
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test provider sign-in</title></head>
<body><main><h1>Test provider</h1>
<form method="post" action="/login">
<input type="hidden" name="id" value="{{ .ID }}">
<label for="user">Subject</label> <input id="user" name="user" value="{{ .Hint }}">
<button type="submit" id="signin">Sign in</button>
</form></main></body></html>`))

func (p *Provider) loginForm(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authRequestID")
	p.mu.Lock()
	req, ok := p.requests[id]
	hint := ""
	if ok {
		hint = req.loginHint
	}
	p.mu.Unlock()
	if !ok {
		http.Error(w, "unknown auth request", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	loginPage.Execute(w, struct{ ID, Hint string }{id, hint}) //nolint:errcheck
}

// login signs the named subject in (by subject, or by e-mail address) and
// returns to the provider's callback.
func (p *Provider) login(w http.ResponseWriter, r *http.Request) {
	id, who := r.FormValue("id"), r.FormValue("user")
	p.mu.Lock()
	req, ok := p.requests[id]
	var user *User
	for _, u := range p.users {
		if u.Subject == who || u.Email == who {
			user = &u
			break
		}
	}
	if ok && user != nil {
		req.subject, req.done, req.authTime = user.Subject, true, time.Now()
		p.logins++
	}
	p.mu.Unlock()
	if !ok || user == nil {
		http.Error(w, "unknown auth request or user", http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, op.AuthCallbackURL(p.op)(r.Context(), id), http.StatusFound)
}

// authRequest is one authorization request.
type authRequest struct {
	p         *Provider
	id        string
	clientID  string
	redirect  string
	state     string
	nonce     string
	scopes    []string
	loginHint string
	challenge *oidc.CodeChallenge
	subject   string
	done      bool
	authTime  time.Time
}

func (a *authRequest) GetID() string                         { return a.id }
func (a *authRequest) GetACR() string                        { return "" }
func (a *authRequest) GetAMR() []string                      { return []string{"pwd"} }
func (a *authRequest) GetAuthTime() time.Time                { return a.authTime }
func (a *authRequest) GetClientID() string                   { return a.clientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.challenge }
func (a *authRequest) GetRedirectURI() string                { return a.redirect }
func (a *authRequest) GetResponseType() oidc.ResponseType    { return oidc.ResponseTypeCode }
func (a *authRequest) GetResponseMode() oidc.ResponseMode    { return oidc.ResponseModeQuery }
func (a *authRequest) GetScopes() []string                   { return a.scopes }
func (a *authRequest) GetState() string                      { return a.state }
func (a *authRequest) GetSubject() string                    { return a.subject }
func (a *authRequest) Done() bool                            { return a.done }

func (a *authRequest) GetAudience() []string {
	a.p.mu.Lock()
	defer a.p.mu.Unlock()
	if a.p.tamper.Audience != nil {
		return a.p.tamper.Audience
	}
	return []string{a.clientID}
}

func (a *authRequest) GetNonce() string {
	a.p.mu.Lock()
	defer a.p.mu.Unlock()
	if a.p.tamper.Nonce != "" {
		return a.p.tamper.Nonce
	}
	return a.nonce
}

// client is the platform as registered at the provider.
type client struct {
	p          *Provider
	id         string
	secret     string
	redirects  []string
	postLogout []string
}

func (c *client) GetID() string                       { return c.id }
func (c *client) RedirectURIs() []string              { return c.redirects }
func (c *client) PostLogoutRedirectURIs() []string    { return c.postLogout }
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType         { return []oidc.GrantType{oidc.GrantTypeCode} }
func (c *client) LoginURL(id string) string            { return "/login?authRequestID=" + id }
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *client) DevMode() bool                        { return false }
func (c *client) IsScopeAllowed(string) bool           { return false }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c *client) ClockSkew() time.Duration             { return 0 }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

func (c *client) IDTokenLifetime() time.Duration {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	if c.p.tamper.Lifetime != 0 {
		return c.p.tamper.Lifetime
	}
	return 5 * time.Minute
}

// storage is the provider's in-memory op.Storage.
type storage struct{ p *Provider }

var errNotFound = errors.New("ssotest: not found")

func randomID() string {
	var b [16]byte
	rand.Read(b[:]) //nolint:errcheck
	return hex.EncodeToString(b[:])
}

func (s *storage) CreateAuthRequest(_ context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	a := &authRequest{
		p: s.p, id: randomID(), clientID: r.ClientID, redirect: r.RedirectURI, state: r.State, nonce: r.Nonce,
		scopes: r.Scopes, loginHint: r.LoginHint,
	}
	if r.CodeChallenge != "" {
		a.challenge = &oidc.CodeChallenge{Challenge: r.CodeChallenge, Method: r.CodeChallengeMethod}
	}
	s.p.requests[a.id] = a
	s.p.nonces = append(s.p.nonces, r.Nonce)
	return a, nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	if a, ok := s.p.requests[id]; ok {
		return a, nil
	}
	return nil, errNotFound
}

func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	if a, ok := s.p.requests[s.p.codes[code]]; ok {
		return a, nil
	}
	return nil, errNotFound
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	s.p.codes[code] = id
	return nil
}

func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	delete(s.p.requests, id)
	for code, rid := range s.p.codes {
		if rid == id {
			delete(s.p.codes, code)
		}
	}
	return nil
}

func (s *storage) CreateAccessToken(context.Context, op.TokenRequest) (string, time.Time, error) {
	return randomID(), time.Now().Add(5 * time.Minute), nil
}

func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("ssotest: no refresh tokens")
}

func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

func (s *storage) TerminateSession(context.Context, string, string) error {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	s.p.endedSess++
	return nil
}

func (s *storage) RevokeToken(context.Context, string, string, string) *oidc.Error { return nil }

func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

type signingKey struct{ k *rsa.PrivateKey }

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.k }
func (k signingKey) ID() string                                  { return "ssotest" }

type publicKey struct{ k *rsa.PrivateKey }

func (k publicKey) ID() string                         { return "ssotest" }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.k.PublicKey }

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return signingKey{s.p.key}, nil }

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) { return []op.Key{publicKey{s.p.key}}, nil }

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	if c, ok := s.p.clients[id]; ok {
		return c, nil
	}
	return nil, errNotFound
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	if c, ok := s.p.clients[id]; ok && c.secret == secret {
		return nil
	}
	return errors.New("ssotest: wrong client or secret")
}

func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest puts the person's claims into the ID token.
func (s *storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, r op.IDTokenRequest, _ []string) error {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	u, ok := s.p.users[r.GetSubject()]
	if !ok {
		return errNotFound
	}
	info.Subject = u.Subject
	info.Email = u.Email
	info.EmailVerified = oidc.Bool(u.EmailVerified)
	info.Name = u.Name
	for k, v := range u.Claims {
		info.AppendClaims(k, v)
	}
	return nil
}

func (s *storage) SetUserinfoFromToken(context.Context, *oidc.UserInfo, string, string, string) error {
	return errors.New("ssotest: no userinfo endpoint use")
}

func (s *storage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errors.New("ssotest: no introspection")
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errNotFound
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("ssotest: no JWT profile")
}

func (s *storage) Health(context.Context) error { return nil }
