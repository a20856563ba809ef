package org

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/web"
)

type overviewData struct {
	Teams     []Team
	People    []Person
	TeamName  string
	TeamError string
}

// TeamsAction is where the org_teams partial posts a new team.
func (overviewData) TeamsAction() string { return "/organisatie/teams" }

func (o *Org) overviewPage(c *gin.Context, status int, data overviewData) {
	v := web.CurrentViewer(c)
	ctx := c.Request.Context()
	var err error
	if data.Teams, err = o.store.Teams(ctx, v.OrgID); err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if data.People, err = o.store.People(ctx, v.OrgID); err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	o.render.HTML(c, status, "org/overview", v.OrgName, data)
}

func (o *Org) overview(c *gin.Context) { o.overviewPage(c, http.StatusOK, overviewData{}) }

func (o *Org) createTeam(c *gin.Context) {
	v := web.CurrentViewer(c)
	name, ok := o.createNamed(c, "org.team.name_invalid", "org.team.exists",
		func(ctx context.Context, name string) (bool, error) { return o.store.CreateTeam(ctx, v.OrgID, name) },
		func(name, problem string) {
			o.overviewPage(c, http.StatusUnprocessableEntity, overviewData{TeamName: name, TeamError: problem})
		})
	if !ok {
		return
	}
	web.Redirect(c, "/organisatie", "ok", tr(c, "org.team.created", name))
}

type inviteData struct {
	Teams   []Team
	TeamID  int64
	Pasted  string
	Error   string
	Results []RowResult
	Sent    int
	Failed  int
}

func (o *Org) inviteForm(c *gin.Context) {
	o.invitePage(c, http.StatusOK, inviteData{})
}

func (o *Org) invitePage(c *gin.Context, status int, data inviteData) {
	teams, err := o.store.Teams(c.Request.Context(), web.CurrentViewer(c).OrgID)
	if err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	data.Teams = teams
	o.render.HTML(c, status, "org/invite", tr(c, "org.invite.title"), data)
}

// invite handles a pasted list or an uploaded CSV file. The answer is the
// per-row report itself (status 200 when at least one row went through,
// 422 when none did).
func (o *Org) invite(c *gin.Context) {
	v := web.CurrentViewer(c)
	ctx := c.Request.Context()
	data := inviteData{Pasted: c.PostForm("adressen")}
	var teamID int64
	if s := c.PostForm("team"); s != "" && s != "0" {
		id, ok := parseID(s)
		if !ok {
			data.Error = tr(c, "org.invite.team_invalid")
			o.invitePage(c, http.StatusUnprocessableEntity, data)
			return
		}
		teams, err := o.store.Teams(ctx, v.OrgID)
		if err != nil {
			o.render.Error(c, http.StatusInternalServerError, err)
			return
		}
		found := false
		for _, t := range teams {
			found = found || t.ID == id
		}
		if !found {
			data.Error = tr(c, "org.invite.team_invalid")
			o.invitePage(c, http.StatusUnprocessableEntity, data)
			return
		}
		teamID = id
	}
	data.TeamID = teamID
	rows, err := formRows(c, data.Pasted)
	if err != nil {
		o.render.Error(c, http.StatusBadRequest, err)
		return
	}
	if len(rows) == 0 {
		data.Error = tr(c, "org.invite.empty")
		o.invitePage(c, http.StatusUnprocessableEntity, data)
		return
	}
	results, err := o.inviter.Invite(ctx, web.Lang(c), v.OrgID, teamID, v.UserID, v.OrgName, rows)
	if err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	data.Results = results
	for _, r := range results {
		if r.OK {
			data.Sent++
		} else {
			data.Failed++
		}
	}
	status := http.StatusOK
	if data.Sent == 0 {
		status = http.StatusUnprocessableEntity
	} else {
		data.Pasted = ""
	}
	o.invitePage(c, status, data)
}

type personData struct {
	Person  *Person
	Teams   []Team
	Members map[int64]bool
}

func (o *Org) person(c *gin.Context) {
	v := web.CurrentViewer(c)
	ctx := c.Request.Context()
	id, ok := parseID(c.Param("id"))
	if !ok {
		o.render.Error(c, http.StatusNotFound, nil)
		return
	}
	p, err := o.store.PersonInOrg(ctx, v.OrgID, id)
	if err != nil {
		o.render.NotFoundOr500(c, err)
		return
	}
	teams, err := o.store.Teams(ctx, v.OrgID)
	if err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	members, err := o.store.MemberTeams(ctx, v.OrgID, id)
	if err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	o.render.HTML(c, http.StatusOK, "org/person", p.Name, personData{Person: p, Teams: teams, Members: members})
}

func (o *Org) setTeams(c *gin.Context) {
	v := web.CurrentViewer(c)
	id, ok := parseID(c.Param("id"))
	if !ok {
		o.render.Error(c, http.StatusNotFound, nil)
		return
	}
	var teamIDs []int64
	for _, s := range c.PostFormArray("team") {
		if tid, ok := parseID(s); ok {
			teamIDs = append(teamIDs, tid)
		}
	}
	if err := o.store.SetTeams(c.Request.Context(), v.OrgID, id, teamIDs); err != nil {
		o.render.NotFoundOr500(c, err)
		return
	}
	web.Redirect(c, c.Request.URL.Path[:strings.LastIndex(c.Request.URL.Path, "/")], "ok", tr(c, "org.person.teams_saved"))
}

// formRows reads an invitation form's rows: the uploaded CSV file (field
// "bestand"), if any, then the pasted addresses.
func formRows(c *gin.Context, pasted string) ([]InviteRow, error) {
	var rows []InviteRow
	if fh, err := c.FormFile("bestand"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		rows = ParseCSV(f)
		f.Close()
	}
	return append(rows, ParsePasted(pasted)...), nil
}
