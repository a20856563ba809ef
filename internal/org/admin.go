package org

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/web"
)

type adminIndexData struct {
	Organisations []Organisation
	People        []Person // the people without an organisation
	Roles         []string
	OrgName       string
	Error         string
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
}

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
	data.Roles = allRoles
	o.render.HTML(c, status, "admin/organisation", org.Name, data)
}

var allRoles = []string{web.RoleLearner, web.RoleManager, web.RoleTrainer, web.RoleAdmin}

func (o *Org) adminOrg(c *gin.Context) { o.adminOrgPage(c, http.StatusOK, adminOrgData{}) }

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
	if _, err := o.db.ExecContext(ctx, `UPDATE users SET active = $2 WHERE id = $1`, p.ID, active); err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if !active {
		if err := auth.EndAll(ctx, o.db, p.ID, 0); err != nil {
			o.render.Error(c, http.StatusInternalServerError, err)
			return
		}
	}
	o.accounts.Forget(p.ID)
	key := "org.admin.deactivated"
	if active {
		key = "org.admin.activated"
	}
	web.Redirect(c, backFor(p, orgID), "ok", tr(c, key, p.Email))
}
