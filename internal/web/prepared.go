package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzip"
)

// Prepared is a rendered page kept ready to send: its HTML and the same
// bytes gzip-compressed once, at the best level, when it was prepared. A
// page kept in memory and asked for many times is then neither rendered
// nor compressed again: sending it costs what sending a static file costs.
//
// Only gzip is kept: at its best level it makes pages of this size smaller
// than zstd does at any level whose encoder fits the memory budget (a
// 9,579-byte lesson page: gzip 3,627 bytes; zstd 3,808 at its default level
// with a 1.3 MiB encoder, 3,661 at its best with a 35 MiB one), and every
// browser reads it. Answers made on the fly still go out as zstd where
// preferred (Compress).
type Prepared struct {
	html []byte
	gz   []byte // nil when compressing does not pay (a short page)
	// The Content-Length values of html and gz, made once.
	htmlLen, gzLen []string
}

// Header values every prepared page sends, shared by all answers: each is
// a slice of one, so a later Add or Set never changes the shared value.
var (
	htmlType     = []string{"text/html; charset=utf-8"}
	varyEncoding = []string{"Accept-Encoding"}
	gzipEncoding = []string{"gzip"}
)

// minPreparedGzip is the size below which a page is sent as it is: the
// same threshold Compress applies to answers made on the fly.
const minPreparedGzip = 1024

// Prepare compresses html for sending many times. html must not change
// afterwards.
func Prepare(html []byte) *Prepared {
	p := &Prepared{html: html, htmlLen: []string{strconv.Itoa(len(html))}}
	if len(html) < minPreparedGzip {
		return p
	}
	var buf bytes.Buffer
	buf.Grow(len(html) / 3)
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return p // a fixed, valid level: cannot happen
	}
	if _, err := zw.Write(html); err != nil {
		return p
	}
	if err := zw.Close(); err != nil {
		return p
	}
	if buf.Len() < len(html) {
		p.gz = bytes.Clone(buf.Bytes()) // without the slack of the buffer
		p.gzLen = []string{strconv.Itoa(len(p.gz))}
	}
	return p
}

// HTML is the page as it is, uncompressed.
func (p *Prepared) HTML() []byte { return p.html }

// Size is the memory the page takes, for the bounds of the caches that
// keep prepared pages.
func (p *Prepared) Size() int { return len(p.html) + len(p.gz) + 64 }

// Send answers with the page: gzip-compressed when the browser accepts it,
// with its length, so that it leaves in as few writes as possible.
func (p *Prepared) Send(c *gin.Context, status int) {
	h := c.Writer.Header()
	h["Content-Type"] = htmlType
	body, length := p.html, p.htmlLen
	if p.gz != nil {
		if !varies(h) {
			h["Vary"] = append(h["Vary"], varyEncoding...)
		}
		if AcceptsGzip(c.Request) {
			h["Content-Encoding"] = gzipEncoding // Compress leaves it alone
			body, length = p.gz, p.gzLen
		}
	}
	h["Content-Length"] = length
	c.Status(status)
	c.Writer.Write(body) //nolint:errcheck // a client that went away reads nothing
}

// AcceptsGzip reports whether the request's Accept-Encoding allows gzip:
// gzip (or x-gzip) listed without q=0, or failing that, * without q=0.
func AcceptsGzip(r *http.Request) bool {
	gz, star := -1.0, -1.0
	for _, line := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(line, ",") {
			coding, params, _ := strings.Cut(part, ";")
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip":
				gz = max(gz, qValue(params))
			case "*":
				star = max(star, qValue(params))
			}
		}
	}
	return gz > 0 || (gz < 0 && star > 0)
}

// qValue reads the q parameter of an Accept-Encoding element ("q=0.5"):
// 1 without one, 0 when it cannot be read.
func qValue(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || q < 0 {
			return 0
		}
		return q
	}
	return 1
}

// varies reports whether h already says the answer varies by
// Accept-Encoding (Compress says so for every answer it might compress).
func varies(h http.Header) bool {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), "Accept-Encoding") {
				return true
			}
		}
	}
	return false
}
