// Package content renders trainer Markdown to safe HTML and reads the
// course-folder format (see courses/README.md).
package content

import (
	"bytes"
	"crypto/sha256"
	"html"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"nabij.be/leerplatform/internal/memo"
)

// Renderer turns lesson Markdown into sanitised HTML. It is safe for
// concurrent use; build one per process.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	strip  *bluemonday.Policy
	// recent keeps the last results by source and media base: the editor
	// shows the preview of an unchanged draft on every visit, and
	// rendering is a pure function, so nothing ever invalidates it.
	recent *memo.Memo[[32]byte, string]
}

// recentBytes bounds the rendered results the renderer keeps.
const recentBytes = 2 << 20

// mediaBaseKey carries the URL prefix that replaces "media/" in image and
// link destinations during one Render call.
var mediaBaseKey = parser.NewContextKey()

// NewRenderer builds the Markdown pipeline: CommonMark with tables and
// strikethrough, raw HTML dropped by goldmark, then bluemonday's UGC policy
// as a second line of defence.
func NewRenderer() *Renderer {
	md := goldmark.New(
		// Column alignment as align attributes: a style attribute would be
		// stripped by the sanitiser (and blocked by the CSP).
		goldmark.WithExtensions(extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)), extension.Strikethrough),
		goldmark.WithParserOptions(
			parser.WithASTTransformers(util.Prioritized(mediaRewriter{}, 100)),
		),
	)
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("align").OnElements("th", "td")
	// UGCPolicy only keeps alt texts made of letters and a little
	// punctuation, so an alt with a colon, a question mark or quotes was
	// dropped, leaving the image without a text alternative. bluemonday
	// escapes attribute values, so any text is safe here.
	p.AllowAttrs("alt").OnElements("img")
	p.RequireNoReferrerOnLinks(true)
	return &Renderer{md: md, policy: p, strip: bluemonday.StrictPolicy(),
		recent: memo.New[[32]byte, string](time.Hour, recentBytes, func(s string) int { return len(s) + 64 })}
}

// Render converts src to sanitised HTML. Destinations starting with
// "media/" are rewritten to start with mediaBase (e.g. "/media/slug/"). A
// text beyond the bounds (CheckLimits) is refused with a *LimitError.
func (r *Renderer) Render(src, mediaBase string) (string, error) {
	if err := CheckLimits(src); err != nil {
		return "", err
	}
	key := sha256.Sum256([]byte(mediaBase + "\x00" + src))
	if html, ok := r.recent.Get(key); ok {
		return html, nil
	}
	ticket := r.recent.Begin()
	html, err := r.render(src, mediaBase)
	if err == nil {
		r.recent.Put(ticket, key, 0, html, time.Time{})
	}
	return html, err
}

func (r *Renderer) render(src, mediaBase string) (string, error) {
	ctx := parser.NewContext()
	ctx.Set(mediaBaseKey, mediaBase)
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(src), &buf, parser.WithContext(ctx)); err != nil {
		return "", err
	}
	return r.policy.Sanitize(buf.String()), nil
}

// PlainText returns the text of rendered HTML without tags, for search.
func (r *Renderer) PlainText(renderedHTML string) string {
	s := r.strip.Sanitize(strings.NewReplacer("</p>", "</p>\n", "</h2>", "</h2>\n", "</h3>", "</h3>\n", "</li>", "</li>\n").Replace(renderedHTML))
	return strings.TrimSpace(html.UnescapeString(s))
}

// Image is an image reference found in Markdown.
type Image struct {
	Destination string
	Alt         string
	Line        int // 1-based line within the Markdown source
}

// Images lists the images that src refers to.
func (r *Renderer) Images(src string) []Image {
	source := []byte(src)
	doc := r.md.Parser().Parse(text.NewReader(source))
	var imgs []Image
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		img, ok := n.(*ast.Image)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		dest := string(img.Destination)
		imgs = append(imgs, Image{Destination: dest, Alt: nodeText(img, source), Line: lineOf(source, dest)})
		return ast.WalkSkipChildren, nil
	})
	return imgs
}

// mediaLinks lists the links of src that point into the module's media
// folder (downloads such as a worker's tool); Alt holds the link text.
func (r *Renderer) mediaLinks(src string) []Image {
	source := []byte(src)
	doc := r.md.Parser().Parse(text.NewReader(source))
	var links []Image
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		l, ok := n.(*ast.Link)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		dest := string(l.Destination)
		if strings.HasPrefix(dest, "media/") {
			links = append(links, Image{Destination: dest, Alt: nodeText(l, source), Line: lineOf(source, "("+dest)})
		}
		return ast.WalkSkipChildren, nil
	})
	return links
}

// h1Lines returns the 1-based lines of the level-1 headings of src, in ATX
// ("# Title") or setext ("Title" over "===") form; a "#" inside a code
// block is not a heading.
func (r *Renderer) h1Lines(src string) []int {
	source := []byte(src)
	doc := r.md.Parser().Parse(text.NewReader(source))
	var lines []int
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		if h.Level == 1 {
			start := 0
			if h.Lines().Len() > 0 {
				start = h.Lines().At(0).Start
			}
			lines = append(lines, bytes.Count(source[:start], []byte("\n"))+1)
		}
		return ast.WalkSkipChildren, nil
	})
	return lines
}

func nodeText(n ast.Node, source []byte) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			b.Write(t.Segment.Value(source))
		} else {
			b.WriteString(nodeText(c, source))
		}
	}
	return strings.TrimSpace(b.String())
}

// lineOf finds the first line of source that contains needle.
func lineOf(source []byte, needle string) int {
	i := bytes.Index(source, []byte(needle))
	if i < 0 {
		return 1
	}
	return bytes.Count(source[:i], []byte("\n")) + 1
}

type mediaRewriter struct{}

func (mediaRewriter) Transform(doc *ast.Document, _ text.Reader, pc parser.Context) {
	base, _ := pc.Get(mediaBaseKey).(string)
	if base == "" {
		return
	}
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *ast.Image:
			v.Destination = rewrite(v.Destination, base)
		case *ast.Link:
			v.Destination = rewrite(v.Destination, base)
		}
		return ast.WalkContinue, nil
	})
}

func rewrite(dest []byte, base string) []byte {
	if name, ok := bytes.CutPrefix(dest, []byte("media/")); ok {
		return append([]byte(base), name...)
	}
	return dest
}
