package authoring

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/catalog"
	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

type uploadData struct {
	Module *Module
	Back   string
	Error  string
}

// backPath is where to return after an upload: a page of the trainer area.
func backPath(c *gin.Context, m *Module) string {
	back := c.Request.FormValue("terug")
	if web.LocalPath(back) && strings.HasPrefix(back, "/auteur/") {
		return back
	}
	return "/auteur/modules/" + m.Slug
}

func (a *Authoring) uploadForm(c *gin.Context) {
	m, ok := a.module(c)
	if !ok {
		return
	}
	a.render.HTML(c, http.StatusOK, "authoring/upload", t(c, "authoring.upload.title"), uploadData{Module: m, Back: backPath(c, m)})
}

// readFile reads the uploaded file of field name, at most limit bytes; it
// reports too large when there is more.
func readFile(c *gin.Context, name string, limit int64) (data []byte, tooLarge bool, err error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit+1<<20)
	fh, err := c.FormFile(name)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || strings.Contains(err.Error(), "request body too large") {
			return nil, true, nil
		}
		return nil, false, err
	}
	if fh.Size > limit {
		return nil, true, nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, false, err
	}
	return data, int64(len(data)) > limit, nil
}

// upload stores an image under a name the platform chooses. The name and
// type the browser sent are ignored: the content decides.
func (a *Authoring) upload(c *gin.Context) {
	m, ok := a.module(c)
	if !ok {
		return
	}
	data, tooLarge, err := readFile(c, "afbeelding", MaxUpload)
	d := uploadData{Module: m, Back: backPath(c, m)}
	if c.GetHeader("Accept") == "application/json" {
		a.uploadJSON(c, m, data, tooLarge, err)
		return
	}
	switch {
	case tooLarge:
		d.Error = t(c, "authoring.upload.toolarge", MaxUpload>>20)
		a.render.HTML(c, http.StatusRequestEntityTooLarge, "authoring/upload", t(c, "authoring.upload.title"), d)
		return
	case err != nil:
		d.Error = t(c, "authoring.upload.nofile")
		a.render.HTML(c, http.StatusUnprocessableEntity, "authoring/upload", t(c, "authoring.upload.title"), d)
		return
	}
	name, err := a.store.SaveUpload(c.Request.Context(), m.ID, data)
	var refused UploadRefused
	if errors.As(err, &refused) {
		d.Error = t(c, "authoring.upload.refused", string(refused))
		a.render.HTML(c, http.StatusUnprocessableEntity, "authoring/upload", t(c, "authoring.upload.title"), d)
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	web.Redirect(c, d.Back, "ok", t(c, "authoring.flash.uploaded", "![…](media/"+name+")"))
}

// uploadJSON answers the lesson editor's script (static/js/editor.js),
// which uploads an image without leaving the page: the stored name and
// the Markdown to insert, or a Dutch error.
func (a *Authoring) uploadJSON(c *gin.Context, m *Module, data []byte, tooLarge bool, err error) {
	switch {
	case tooLarge:
		c.JSON(http.StatusRequestEntityTooLarge, gin.H{"error": t(c, "authoring.upload.toolarge", MaxUpload>>20)})
		return
	case err != nil:
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": t(c, "authoring.upload.nofile")})
		return
	}
	name, err := a.store.SaveUpload(c.Request.Context(), m.ID, data)
	var refused UploadRefused
	switch {
	case errors.As(err, &refused):
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": t(c, "authoring.upload.refused", string(refused))})
	case err != nil:
		a.fail(c, err)
	default:
		c.JSON(http.StatusOK, gin.H{"name": name, "path": "media/" + name})
	}
}

// MaxImport is the largest module ZIP a trainer may import.
const MaxImport = 8 << 20

// maxUnpacked limits what a ZIP may unpack to (against ZIP bombs).
const maxUnpacked = 64 << 20

type importResult struct {
	Problems  []string
	Changes   []string
	Conflicts []string
	Forced    bool
}

// importZip imports a module ZIP in the course-folder format. Lessons that
// were edited in the browser and differ from the ZIP are reported as
// conflicts and kept, unless the trainer ticked "overwrite".
func (a *Authoring) importZip(c *gin.Context) {
	ctx := c.Request.Context()
	res := &importResult{}
	show := func(status int) {
		ms, err := a.store.Modules(ctx)
		if err != nil {
			a.fail(c, err)
			return
		}
		a.render.HTML(c, status, "authoring/index", t(c, "authoring.title"), indexData{Modules: ms, Import: res})
	}
	data, tooLarge, err := readFile(c, "zip", MaxImport)
	switch {
	case tooLarge:
		res.Problems = []string{t(c, "authoring.import.toolarge", MaxImport>>20)}
		show(http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		res.Problems = []string{t(c, "authoring.upload.nofile")}
		show(http.StatusUnprocessableEntity)
		return
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		res.Problems = []string{t(c, "authoring.import.notzip")}
		show(http.StatusUnprocessableEntity)
		return
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		name := strings.TrimSuffix(f.Name, "/")
		if !fs.ValidPath(name) || strings.Contains(name, `\`) {
			res.Problems = append(res.Problems, t(c, "authoring.import.badpath", f.Name))
		}
	}
	if total > maxUnpacked {
		res.Problems = append(res.Problems, t(c, "authoring.import.toolarge", maxUnpacked>>20))
	}
	if len(res.Problems) > 0 {
		show(http.StatusUnprocessableEntity)
		return
	}
	course, ps := a.md.Parse(zr)
	if ps != nil {
		for _, p := range ps {
			res.Problems = append(res.Problems, p.String())
		}
		show(http.StatusUnprocessableEntity)
		return
	}
	res.Forced = c.PostForm("overschrijven") != ""
	rep, err := a.importer.ImportWith(ctx, course, catalog.ImportOptions{Force: res.Forced})
	if err != nil {
		var cps content.Problems
		if errors.As(err, &cps) {
			for _, p := range cps {
				res.Problems = append(res.Problems, p.String())
			}
			show(http.StatusUnprocessableEntity)
			return
		}
		a.fail(c, err)
		return
	}
	lang := web.Lang(c)
	for _, it := range rep.Items {
		line := i18n.T(lang, "import."+it.Key, it.Args...)
		if it.Conflict {
			res.Conflicts = append(res.Conflicts, line)
		} else {
			res.Changes = append(res.Changes, line)
		}
	}
	show(http.StatusOK)
}
