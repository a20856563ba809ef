package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Assets serves the embedded static files with content-hashed URLs, so they
// can be cached for a year and still change with each release.
type Assets struct {
	files map[string]asset
}

type asset struct {
	data        []byte
	hash        string
	contentType string
}

// NewAssets reads every file of fsys once.
func NewAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{files: map[string]asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".go") {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = http.DetectContentType(data)
		}
		a.files[p] = asset{data: data, hash: hex.EncodeToString(sum[:])[:12], contentType: ct}
		return nil
	})
	return a, err
}

// URL returns /static/HASH/name for a known file.
func (a *Assets) URL(name string) string {
	f, ok := a.files[name]
	if !ok {
		return "/static/missing/" + name
	}
	return "/static/" + f.hash + "/" + name
}

// Handler serves GET /static/:hash/*name.
func (a *Assets) Handler(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("name"), "/")
	f, ok := a.files[name]
	if !ok {
		c.AbortWithStatus(http.StatusNotFound)
		return
	}
	if c.Param("hash") == f.hash {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "no-cache")
	}
	c.Header("Content-Type", f.contentType)
	c.Header("ETag", `"`+f.hash+`"`)
	http.ServeContent(c.Writer, c.Request, "", time.Time{}, bytes.NewReader(f.data))
}
