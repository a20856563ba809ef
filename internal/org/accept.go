package org

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/web"
)

type acceptData struct {
	Token      string
	Email      string
	OrgName    string
	Name       string
	Error      string
	ErrorField string
}

func (o *Org) invitationGone(c *gin.Context, err error) {
	if errors.Is(err, database.ErrNotFound) {
		o.render.ErrorMessage(c, http.StatusNotFound, "org.accept.gone")
		return
	}
	o.render.Error(c, http.StatusInternalServerError, err)
}

func (o *Org) acceptForm(c *gin.Context) {
	token := c.Param("token")
	inv, err := o.inviter.find(c.Request.Context(), token)
	if err != nil {
		o.invitationGone(c, err)
		return
	}
	o.render.HTML(c, http.StatusOK, "org/accept", tr(c, "org.accept.title"),
		acceptData{Token: token, Email: inv.Email, OrgName: inv.OrgName, Name: inv.Name})
}

// accept lets an invited person choose their name and password, then signs
// them in.
func (o *Org) accept(c *gin.Context) {
	ctx := c.Request.Context()
	token := c.Param("token")
	inv, err := o.inviter.find(ctx, token)
	if err != nil {
		o.invitationGone(c, err)
		return
	}
	name, password := auth.CleanName(c.PostForm("naam")), c.PostForm("wachtwoord")
	data := acceptData{Token: token, Email: inv.Email, OrgName: inv.OrgName, Name: name}
	if msg := o.accounts.CheckName(web.Lang(c), name); msg != "" {
		data.Error, data.ErrorField = msg, "name"
		o.render.HTML(c, http.StatusUnprocessableEntity, "org/accept", tr(c, "org.accept.title"), data)
		return
	}
	if err := auth.CheckPassword(password); err != nil {
		data.Error, data.ErrorField = tr(c, auth.PasswordMessage(err)), "password"
		o.render.HTML(c, http.StatusUnprocessableEntity, "org/accept", tr(c, "org.accept.title"), data)
		return
	}
	userID, err := o.inviter.accept(ctx, token, name, password)
	if err != nil {
		o.invitationGone(c, err)
		return
	}
	if err := o.accounts.StartSession(c, userID); err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	web.Redirect(c, "/mijn-leertraject", "ok", tr(c, "org.accept.done", inv.OrgName))
}
