package sso

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// expiryWarning is how long before a client secret's expiry the admin
// pages warn.
const expiryWarning = 30 * 24 * time.Hour

// Status is what the admin organisation page shows of an organisation's
// single sign-on.
type Status struct {
	OrgID         int64
	OrgName       string
	Configured    bool
	Issuer        string
	Domains       string
	SSOOnly       bool
	LastLogin     *time.Time
	SecretExpires *time.Time
	ExpiresSoon   bool // within 30 days
	Expired       bool
	DaysLeft      int
	Sealed        bool
}

// EditURL is the settings page.
func (s Status) EditURL() string { return fmt.Sprintf("/beheer/organisaties/%d/sso", s.OrgID) }

func statusOf(orgID int64, p *Provider, now time.Time) Status {
	st := Status{OrgID: orgID}
	if p != nil {
		st.OrgName = p.OrgName
	}
	if p == nil {
		return st
	}
	st.Configured, st.Issuer, st.Domains, st.SSOOnly = true, p.Issuer, strings.ReplaceAll(p.Domains, ",", ", "), p.SSOOnly
	st.LastLogin, st.SecretExpires, st.Sealed = p.LastLogin, p.SecretExpires, p.SecretSealed
	if p.SecretExpires != nil {
		// The secret works through its expiry date; it fails the day after.
		end := time.Date(p.SecretExpires.Year(), p.SecretExpires.Month(), p.SecretExpires.Day()+1, 0, 0, 0, 0, time.UTC)
		left := end.Sub(now)
		st.Expired = left <= 0
		st.ExpiresSoon = !st.Expired && left <= expiryWarning
		st.DaysLeft = int(left.Hours() / 24)
	}
	return st
}

// Status returns what the admin organisation page shows of an
// organisation's single sign-on.
func (s *SSO) Status(ctx context.Context, orgID int64) (Status, error) {
	p, err := s.store.Provider(ctx, orgID)
	if errors.Is(err, database.ErrNotFound) {
		return statusOf(orgID, nil, time.Now()), nil
	}
	if err != nil {
		return Status{}, err
	}
	return statusOf(orgID, p, time.Now()), nil
}

// Expiring lists the organisations whose client secret expires within 30
// days or has expired, for the admin start page.
func (s *SSO) Expiring(ctx context.Context) ([]Status, error) {
	ps, err := s.store.ExpiringSecrets(ctx, time.Now().Add(expiryWarning))
	if err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(ps))
	for _, p := range ps {
		out = append(out, statusOf(p.OrgID, &p, time.Now()))
	}
	return out, nil
}

// Configure saves an organisation's settings: from the admin page and from
// `nabij org sso`. When the issuer or client id changes, the provider's
// discovery document is read first, so that a mistyped issuer is refused
// now rather than at everyone's next login; other changes (such as turning
// "SSO only" off while the provider is down) need no provider.
func (s *SSO) Configure(ctx context.Context, orgID int64, set Settings) error {
	if err := set.Validate(); err != nil {
		return err
	}
	old, err := s.store.Provider(ctx, orgID)
	if err != nil && !errors.Is(err, database.ErrNotFound) {
		return err
	}
	if old == nil && set.Secret == "" {
		return ErrSecretNeeded
	}
	if old == nil || old.Issuer != set.Issuer || old.ClientID != set.ClientID {
		if _, err := s.fetch(ctx, set.Issuer); err != nil {
			return &Problem{Key: "sso.settings.issuer_unreachable", Args: []any{set.Issuer, err.Error()}}
		}
	}
	var secret []byte
	sealed := false
	if set.Secret != "" {
		secret, sealed = s.sealer.Seal(orgID, set.Secret)
	}
	err = s.store.Save(ctx, orgID, set, secret, sealed)
	var taken *ErrDomainTaken
	if errors.As(err, &taken) {
		return &Problem{Key: "sso.settings.domain_taken", Args: []any{taken.Domain, taken.Org}}
	}
	return err
}

// TurnOff removes an organisation's single sign-on.
func (s *SSO) TurnOff(ctx context.Context, orgID int64) error { return s.store.Remove(ctx, orgID) }

// Sealing reports whether client secrets are encrypted (SSO_SECRET_KEY).
func (s *SSO) Sealing() bool { return s.sealer != nil }

type settingsData struct {
	OrgID        int64
	OrgName      string
	Status       Status
	Issuer       string
	ClientID     string
	Domains      string
	Manager      string
	TeamClaim    string
	SSOOnly      bool
	Expires      string
	Error        string
	Sealing      bool
	RedirectURI  string
	HasSecret    bool
	SecretFormID string
}

func (s *SSO) settingsOrg(c *gin.Context) (orgID int64, name string, ok bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		s.render.Error(c, http.StatusNotFound, nil)
		return 0, "", false
	}
	name, err = s.store.OrganisationName(c.Request.Context(), id)
	if err != nil {
		s.render.NotFoundOr500(c, err)
		return 0, "", false
	}
	return id, name, true
}

func (s *SSO) settingsPage(c *gin.Context, status int, data settingsData) {
	st, err := s.Status(c.Request.Context(), data.OrgID)
	if err != nil {
		s.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	data.Status, data.HasSecret, data.Sealing = st, st.Configured, s.Sealing()
	data.RedirectURI = s.baseURL + CallbackPath
	s.render.HTML(c, status, "sso/settings", i18n.T(web.Lang(c), "sso.settings.title", data.OrgName), data)
}

func (s *SSO) settingsForm(c *gin.Context) {
	orgID, name, ok := s.settingsOrg(c)
	if !ok {
		return
	}
	data := settingsData{OrgID: orgID, OrgName: name}
	p, err := s.store.Provider(c.Request.Context(), orgID)
	switch {
	case err == nil:
		data.Issuer, data.ClientID, data.Domains = p.Issuer, p.ClientID, strings.ReplaceAll(p.Domains, ",", ", ")
		if p.ManagerClaim != "" {
			data.Manager = p.ManagerClaim + "=" + p.ManagerValue
		}
		data.TeamClaim, data.SSOOnly = p.TeamClaim, p.SSOOnly
		if p.SecretExpires != nil {
			data.Expires = p.SecretExpires.Format(time.DateOnly)
		}
	case !errors.Is(err, database.ErrNotFound):
		s.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	s.settingsPage(c, http.StatusOK, data)
}

func (s *SSO) saveSettings(c *gin.Context) {
	orgID, name, ok := s.settingsOrg(c)
	if !ok {
		return
	}
	lang := web.Lang(c)
	// The secret is never put back into the form.
	data := settingsData{
		OrgID: orgID, OrgName: name,
		Issuer: c.PostForm("issuer"), ClientID: c.PostForm("client_id"), Domains: c.PostForm("domeinen"),
		Manager: c.PostForm("beheerder_claim"), TeamClaim: c.PostForm("team_claim"),
		SSOOnly: c.PostForm("alleen_sso") == "1", Expires: c.PostForm("geheim_vervalt"),
	}
	fail := func(err error) {
		if p, ok := AsProblem(err); ok {
			data.Error = p.Message(lang)
			s.settingsPage(c, http.StatusUnprocessableEntity, data)
			return
		}
		s.render.Error(c, http.StatusInternalServerError, err)
	}
	set := Settings{Issuer: data.Issuer, ClientID: data.ClientID, Secret: strings.TrimSpace(c.PostForm("client_secret")),
		TeamClaim: data.TeamClaim, SSOOnly: data.SSOOnly}
	var err error
	if set.Domains, err = ParseDomains(data.Domains); err != nil {
		fail(err)
		return
	}
	if set.ManagerClaim, set.ManagerValue, err = ParseManagerClaim(data.Manager); err != nil {
		fail(err)
		return
	}
	if set.SecretExpires, err = ParseDate(data.Expires); err != nil {
		fail(err)
		return
	}
	if err := s.Configure(c.Request.Context(), orgID, set); err != nil {
		fail(err)
		return
	}
	web.Redirect(c, fmt.Sprintf("/beheer/organisaties/%d", orgID), "ok", i18n.T(lang, "sso.settings.saved", name))
}

func (s *SSO) turnOff(c *gin.Context) {
	orgID, name, ok := s.settingsOrg(c)
	if !ok {
		return
	}
	if err := s.TurnOff(c.Request.Context(), orgID); err != nil {
		s.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	web.Redirect(c, fmt.Sprintf("/beheer/organisaties/%d", orgID), "ok", i18n.T(web.Lang(c), "sso.settings.off", name))
}
