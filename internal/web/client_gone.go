package web

import (
	"context"
	"errors"

	"github.com/gin-gonic/gin"
)

// StatusClientClosedRequest is the status logged (nginx's convention) for
// a request whose client went away before its answer was ready: not a
// server error, and nobody is left to read a page.
const StatusClientClosedRequest = 499

// ClientGone reports whether the client of c has gone away: the browser
// was closed, the person clicked elsewhere, a proxy gave up. The server
// cancels the request's context then, and whatever the handler was waiting
// for fails with context.Canceled.
func ClientGone(c *gin.Context) bool {
	return errors.Is(c.Request.Context().Err(), context.Canceled)
}
