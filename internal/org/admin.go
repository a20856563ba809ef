package org

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/feedback"
	"nabij.be/leerplatform/internal/web"
)

type adminIndexData struct {
	Organisations []Organisation
	People        []Person // the people without an organisation
	Roles         []string
	SSOExpiring   any // the client secrets about to expire; see SingleSignOn
	OrgName       string
	Error         string
	Feedback      []feedback.Message // the newest messages of the accessibility statement's form
	FeedbackTotal int
}

func (o *Org) adminIndexPage(c *gin.Context, status int, data adminIndexData) {
	ctx := c.Request.Context()
	var err error
	if data.Organisations, err = o.store.Organisations(ctx); err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if data.People, err = o.store.PlatformPeople(ctx); err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if o.ssoExpiring != nil {
		if data.SSOExpiring, err = o.ssoExpiring(ctx); err != nil {
			o.render.Error(c, http.StatusInternalServerError, err)
			return
		}
	}
	if data.Feedback, data.FeedbackTotal, err = feedback.Latest(ctx, o.db, 20); err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	data.Roles = allRoles
	o.render.HTML(c, status, "admin/index", tr(c, "org.admin.title"), data)
}

func (o *Org) adminIndex(c *gin.Context) { o.adminIndexPage(c, http.StatusOK, adminIndexData{}) }

func (o *Org) adminCreateOrg(c *gin.Context) {
	var id int64
	name, ok := o.createNamed(c, "org.admin.org_name_invalid", "org.admin.org_exists",
		func(ctx context.Context, name string) (created bool, err error) {
			id, created, err = o.store.CreateOrganisation(ctx, name)
			return created, err
		},
		func(name, problem string) {
			o.adminIndexPage(c, http.StatusUnprocessableEntity, adminIndexData{OrgName: name, Error: problem})
		})
	if !ok {
		return
	}
	web.Redirect(c, fmt.Sprintf("/beheer/organisaties/%d", id), "ok", tr(c, "org.admin.org_created", name))
}

// createNamed handles a form that creates something named by its "naam"
// field, an organisation or a team: a name that is empty or longer than
// 200 characters, or that create reports as taken, goes back to the form
// through again with the message of invalidKey or takenKey (status 422).
// It returns the tidied name and whether it was created; when not, the
// request has been answered.
func (o *Org) createNamed(c *gin.Context, invalidKey, takenKey string,
	create func(ctx context.Context, name string) (bool, error), again func(name, problem string)) (string, bool) {
	name := strings.Join(strings.Fields(c.PostForm("naam")), " ")
	if name == "" || utf8.RuneCountInString(name) > 200 {
		again(name, tr(c, invalidKey))
		return name, false
	}
	created, err := create(c.Request.Context(), name)
	if err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return name, false
	}
	if !created {
		again(name, tr(c, takenKey))
		return name, false
	}
	return name, true
}

type adminOrgData struct {
	Org       *Organisation
	Teams     []Team
	People    []Person
	Roles     []string
	TeamName  string
	TeamError string
	SSO       any // what SingleSignOn.Status says; nil without single sign-on
	Invite    adminInviteForm
}

// SingleSignOn gives the admin pages their single sign-on parts; package
// sso provides it: Status (an sso.Status, shown by the sso_status partial
// on an organisation's page) and Expiring (the client secrets that expire
// within 30 days, shown by the sso_expiring partial on /beheer).
type SingleSignOn[S, E any] interface {
	Status(ctx context.Context, orgID int64) (S, error)
	Expiring(ctx context.Context) (E, error)
}

// UseSingleSignOn shows the organisations' single sign-on on the admin
// pages.
func UseSingleSignOn[S, E any](o *Org, s SingleSignOn[S, E]) {
	o.ssoStatus = func(ctx context.Context, orgID int64) (any, error) { return s.Status(ctx, orgID) }
	o.ssoExpiring = func(ctx context.Context) (any, error) { return s.Expiring(ctx) }
}

// adminInviteForm is the admin's invitation form on an organisation's page
// and, after a post, its per-row report.
type adminInviteForm struct {
	Pasted  string
	Role    string // learner or manager
	TeamID  int64
	Error   string
	Results []RowResult
	Sent    int
	Failed  int
}

// HasManager reports whether anyone in the organisation is a manager (or
// invited as one).
func (d adminOrgData) HasManager() bool {
	for _, p := range d.People {
		if p.Role == web.RoleManager {
			return true
		}
	}
	return false
}

// InviteRoles are the roles an admin may invite people into an
// organisation with: its first manager(s), or learners.
func (adminOrgData) InviteRoles() []string { return []string{web.RoleManager, web.RoleLearner} }

// TeamsAction is where the org_teams partial posts a new team.
func (d adminOrgData) TeamsAction() string {
	return fmt.Sprintf("/beheer/organisaties/%d/teams", d.Org.ID)
}

func (o *Org) adminOrgPage(c *gin.Context, status int, data adminOrgData) {
	ctx := c.Request.Context()
	id, ok := parseID(c.Param("id"))
	if !ok {
		o.render.Error(c, http.StatusNotFound, nil)
		return
	}
	org, err := o.store.Organisation(ctx, id)
	if err != nil {
		o.render.NotFoundOr500(c, err)
		return
	}
	data.Org = org
	if data.Teams, err = o.store.Teams(ctx, id); err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if data.People, err = o.store.People(ctx, id); err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if o.ssoStatus != nil {
		if data.SSO, err = o.ssoStatus(ctx, id); err != nil {
			o.render.Error(c, http.StatusInternalServerError, err)
			return
		}
	}
	data.Roles = allRoles
	o.render.HTML(c, status, "admin/organisation", org.Name, data)
}

var allRoles = []string{web.RoleLearner, web.RoleManager, web.RoleTrainer, web.RoleAdmin}

func (o *Org) adminOrg(c *gin.Context) {
	o.adminOrgPage(c, http.StatusOK, adminOrgData{Invite: adminInviteForm{Role: web.RoleManager}})
}

// adminInvite invites people into an organisation from its admin page, as
// a manager does from /organisatie/uitnodigen and through the same
// invitations, with a role: an organisation's first manager(s) can only
// come in this way. The answer is the page with the per-row report
// (status 200 when at least one row went through, 422 when none did).
func (o *Org) adminInvite(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		o.render.Error(c, http.StatusNotFound, nil)
		return
	}
	ctx := c.Request.Context()
	org, err := o.store.Organisation(ctx, id)
	if err != nil {
		o.render.NotFoundOr500(c, err)
		return
	}
	form := adminInviteForm{Pasted: c.PostForm("adressen"), Role: c.PostForm("rol")}
	again := func(problem string) {
		form.Error = problem
		o.adminOrgPage(c, http.StatusUnprocessableEntity, adminOrgData{Invite: form})
	}
	if form.Role != web.RoleManager && form.Role != web.RoleLearner {
		form.Role = web.RoleManager
		again(tr(c, "org.admin.invite.role_invalid"))
		return
	}
	if s := c.PostForm("team"); s != "" && s != "0" {
		teamID, ok := parseID(s)
		teams, err := o.store.Teams(ctx, id)
		if err != nil {
			o.render.Error(c, http.StatusInternalServerError, err)
			return
		}
		found := false
		for _, t := range teams {
			found = found || (ok && t.ID == teamID)
		}
		if !found {
			again(tr(c, "org.admin.invite.team_invalid"))
			return
		}
		form.TeamID = teamID
	}
	rows, err := formRows(c, form.Pasted)
	if err != nil {
		o.render.Error(c, http.StatusBadRequest, err)
		return
	}
	if len(rows) == 0 {
		again(tr(c, "org.invite.empty"))
		return
	}
	results, err := o.inviter.Invite(ctx, web.Lang(c), id, form.TeamID, web.CurrentViewer(c).UserID, org.Name, rows)
	if err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	var sent []string
	for _, r := range results {
		if r.OK {
			form.Sent++
			sent = append(sent, r.Email)
		} else {
			form.Failed++
		}
	}
	if form.Role == web.RoleManager && len(sent) > 0 {
		ids, err := o.store.GrantInvitedRole(ctx, id, web.RoleManager, sent)
		if err != nil {
			o.render.Error(c, http.StatusInternalServerError, err)
			return
		}
		for _, uid := range ids {
			o.accounts.Forget(uid)
		}
	}
	form.Results = results
	status := http.StatusOK
	if form.Sent == 0 {
		status = http.StatusUnprocessableEntity
	} else {
		form.Pasted = ""
	}
	o.adminOrgPage(c, status, adminOrgData{Invite: form})
}

func (o *Org) adminCreateTeam(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		o.render.Error(c, http.StatusNotFound, nil)
		return
	}
	if _, err := o.store.Organisation(c.Request.Context(), id); err != nil {
		o.render.NotFoundOr500(c, err)
		return
	}
	name, ok := o.createNamed(c, "org.team.name_invalid", "org.team.exists",
		func(ctx context.Context, name string) (bool, error) { return o.store.CreateTeam(ctx, id, name) },
		func(name, problem string) {
			o.adminOrgPage(c, http.StatusUnprocessableEntity, adminOrgData{TeamName: name, TeamError: problem})
		})
	if !ok {
		return
	}
	web.Redirect(c, fmt.Sprintf("/beheer/organisaties/%d", id), "ok", tr(c, "org.team.created", name))
}

// backFor is the admin page that lists a person.
func backFor(p *Person, orgID *int64) string {
	if orgID != nil {
		return fmt.Sprintf("/beheer/organisaties/%d", *orgID)
	}
	return "/beheer"
}

func (o *Org) adminPerson(c *gin.Context) (*Person, *int64, bool) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		o.render.Error(c, http.StatusNotFound, nil)
		return nil, nil, false
	}
	p, err := o.store.Person(c.Request.Context(), id)
	if err != nil {
		o.render.NotFoundOr500(c, err)
		return nil, nil, false
	}
	var orgID *int64
	if err := o.db.GetContext(c.Request.Context(), &orgID, `SELECT organisation_id FROM users WHERE id = $1`, id); err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return nil, nil, false
	}
	if p.ID == web.CurrentViewer(c).UserID {
		o.render.ErrorMessage(c, http.StatusUnprocessableEntity, "org.admin.not_yourself")
		return nil, nil, false
	}
	return p, orgID, true
}

// adminSetRole grants a role. Learner and manager need an organisation.
func (o *Org) adminSetRole(c *gin.Context) {
	p, orgID, ok := o.adminPerson(c)
	if !ok {
		return
	}
	role := c.PostForm("rol")
	valid := false
	for _, r := range allRoles {
		valid = valid || r == role
	}
	if !valid {
		o.render.ErrorMessage(c, http.StatusUnprocessableEntity, "org.admin.role_invalid")
		return
	}
	if orgID == nil && (role == web.RoleLearner || role == web.RoleManager) {
		o.render.ErrorMessage(c, http.StatusUnprocessableEntity, "org.admin.role_needs_org")
		return
	}
	if _, err := o.db.ExecContext(c.Request.Context(), `UPDATE users SET role = $2 WHERE id = $1`, p.ID, role); err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	o.accounts.Forget(p.ID)
	web.Redirect(c, backFor(p, orgID), "ok", tr(c, "org.admin.role_set", p.Email, tr(c, "org.role."+role)))
}

// adminSetActive deactivates (ending every session) or reactivates an
// account.
func (o *Org) adminSetActive(c *gin.Context) {
	p, orgID, ok := o.adminPerson(c)
	if !ok {
		return
	}
	active := c.PostForm("actief") == "1"
	ctx := c.Request.Context()
	// One transaction: an account is never left deactivated but signed in.
	err := database.WithTx(ctx, o.db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET active = $2 WHERE id = $1`, p.ID, active); err != nil {
			return fmt.Errorf("org: set user %d active=%v: %w", p.ID, active, err)
		}
		if active {
			return nil
		}
		return auth.EndAll(ctx, tx, p.ID, 0)
	})
	if err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	o.accounts.Forget(p.ID)
	key := "org.admin.deactivated"
	if active {
		key = "org.admin.activated"
	}
	web.Redirect(c, backFor(p, orgID), "ok", tr(c, key, p.Email))
}
