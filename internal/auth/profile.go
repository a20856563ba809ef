package auth

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

type profileData struct {
	Name      string
	Email     string
	Lang      string
	OrgName   string
	Role      string
	Languages []string
	Error     string
}

func (a *Auth) profile(c *gin.Context) {
	v := web.CurrentViewer(c)
	a.render.HTML(c, http.StatusOK, "auth/profile", i18nTitle(c, "auth.profile.title"), profileData{
		Name: v.Name, Email: v.Email, Lang: v.Lang, OrgName: v.OrgName, Role: v.Role, Languages: i18n.Languages,
	})
}

// CheckName validates a full name as it will appear on certificates and
// returns the i18n key and arguments of the problem, or "" when it is fine.
func (a *Auth) checkName(name string) (string, []any) {
	n := utf8.RuneCountInString(name)
	if n == 0 {
		return "auth.profile.name_empty", nil
	}
	if n > 200 {
		return "auth.profile.name_long", nil
	}
	for _, r := range name {
		if unicode.IsControl(r) || bidiControl(r) {
			return "auth.profile.name_control", nil
		}
	}
	if a.names != nil {
		if bad := a.names.Unprintable(name); len(bad) > 0 {
			quoted := make([]string, len(bad))
			for i, r := range bad {
				quoted[i] = "«" + string(r) + "»"
			}
			return "auth.profile.name_unprintable", []any{strings.Join(quoted, " ")}
		}
	}
	return "", nil
}

func (a *Auth) saveProfile(c *gin.Context) {
	v := web.CurrentViewer(c)
	name := CleanName(c.PostForm("naam"))
	lang := c.PostForm("taal")
	data := profileData{Name: name, Email: v.Email, Lang: lang, OrgName: v.OrgName, Role: v.Role, Languages: i18n.Languages}
	if !i18n.Supported(lang) {
		data.Lang = v.Lang
		data.Error = tr(web.Lang(c), "auth.profile.lang_invalid")
		a.render.HTML(c, http.StatusUnprocessableEntity, "auth/profile", tr(web.Lang(c), "auth.profile.title"), data)
		return
	}
	if key, args := a.checkName(name); key != "" {
		data.Error = tr(web.Lang(c), key, args...)
		a.render.HTML(c, http.StatusUnprocessableEntity, "auth/profile", tr(web.Lang(c), "auth.profile.title"), data)
		return
	}
	if _, err := a.db.ExecContext(c.Request.Context(),
		`UPDATE users SET full_name = $2, lang = $3 WHERE id = $1 AND deleted_at IS NULL`, v.UserID, name, lang); err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	a.Forget(v.UserID)
	web.Redirect(c, "/profiel", "ok", tr(lang, "auth.profile.saved"))
}

// SetLanguage stores a signed-in person's UI language, which their pages
// follow from the next request on.
func (a *Auth) SetLanguage(ctx context.Context, userID int64, lang string) error {
	if !i18n.Supported(lang) {
		return fmt.Errorf("auth: unsupported language %q", lang)
	}
	if _, err := a.db.ExecContext(ctx, `UPDATE users SET lang = $2 WHERE id = $1 AND deleted_at IS NULL`, userID, lang); err != nil {
		return fmt.Errorf("auth: save language of user %d: %w", userID, err)
	}
	a.Forget(userID)
	return nil
}
