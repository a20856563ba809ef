package org

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/mail"
	"nabij.be/leerplatform/internal/web"
)

type adminMailData struct {
	SMTP    bool
	Status  string // the filter, "" for all
	Counts  mail.OutboxCounts
	Entries []mail.OutboxEntry
}

// mailStatuses are the filters of the mail page.
var mailStatuses = map[string]bool{"": true, "queued": true, "sent": true, "failed": true, "outbox": true}

// adminMail shows the latest mail with its state. Bodies hold live links
// (invitations, resets): only admins see them, and only until the mail is
// sent (the worker empties them then).
func (o *Org) adminMail(c *gin.Context) {
	ctx := c.Request.Context()
	status := c.Query("status")
	if !mailStatuses[status] {
		status = ""
	}
	counts, err := mail.Counts(ctx, o.db)
	if err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	es, err := mail.Outbox(ctx, o.db, status, 200)
	if err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	o.render.HTML(c, http.StatusOK, "admin/mail", tr(c, "org.mail.title"),
		adminMailData{SMTP: o.mailer.SMTP(), Status: status, Counts: counts, Entries: es})
}

// adminRetryMail queues a failed mail again.
func (o *Org) adminRetryMail(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		o.render.Error(c, http.StatusNotFound, nil)
		return
	}
	ok, err := o.mailer.Retry(c.Request.Context(), id)
	if err != nil {
		o.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if !ok {
		web.Redirect(c, "/beheer/mail", "error", tr(c, "org.mail.retry_gone"))
		return
	}
	web.Redirect(c, "/beheer/mail", "ok", tr(c, "org.mail.retried"))
}
