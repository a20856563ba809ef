package assignment

import (
	"github.com/gin-gonic/gin"
)

// Routes registers the unsubscribe link, the notification preferences and
// the managers' assignment pages.
func (a *Assignments) Routes(r gin.IRouter) {
}
