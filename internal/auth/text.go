package auth

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

func tr(lang, key string, args ...any) string { return i18n.T(lang, key, args...) }

func i18nTitle(c *gin.Context, key string) string { return i18n.T(web.Lang(c), key) }

func itoa(n int) string { return strconv.Itoa(n) }
