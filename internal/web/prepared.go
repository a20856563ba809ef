package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Prepared is a rendered page kept ready to send: its HTML and the same
// bytes compressed once, with gzip and zstd at their best levels, when it
// was prepared. A page kept in memory and asked for many times is then
// neither rendered nor compressed again: sending it costs what sending a
// static file costs.
type Prepared struct {
	html []byte
	gz   []byte // nil when compressing does not pay (a short page)
	zst  []byte // nil likewise
}

// zstdEncoder compresses prepared pages, one whole page at a time
// (EncodeAll is safe for concurrent use). A small window and one
// goroutine keep its memory to a few hundred kilobytes: pages are small.
var zstdEncoder = sync.OnceValue(func() *zstd.Encoder {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression),
		zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1<<18), zstd.WithLowerEncoderMem(true))
	if err != nil {
		panic("web: zstd options: " + err.Error()) // fixed options: a programming error
	}
	return enc
})

// minPreparedGzip is the size below which a page is sent as it is: the
// same threshold Compress applies to answers made on the fly.
const minPreparedGzip = 1024

// Prepare compresses html for sending many times. html must not change
// afterwards.
func Prepare(html []byte) *Prepared {
	p := &Prepared{html: html}
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
	}
	if zst := zstdEncoder().EncodeAll(html, make([]byte, 0, len(html)/3)); len(zst) < len(html) {
		p.zst = bytes.Clone(zst)
	}
	return p
}

// HTML is the page as it is, uncompressed.
func (p *Prepared) HTML() []byte { return p.html }

// Size is the memory the page takes, for the bounds of the caches that
// keep prepared pages.
func (p *Prepared) Size() int { return len(p.html) + len(p.gz) + len(p.zst) + 96 }

// Send answers with the page: compressed when the browser accepts it (zstd
// preferred, as Compress does, else gzip), with its length, so that it
// leaves in as few writes as possible.
func (p *Prepared) Send(c *gin.Context, status int) {
	h := c.Writer.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	body := p.html
	if p.gz != nil || p.zst != nil {
		if !varies(h) {
			h.Add("Vary", "Accept-Encoding")
		}
		gz, zst := acceptedCodings(c.Request)
		switch {
		case p.zst != nil && zst > 0 && zst >= gz:
			h.Set("Content-Encoding", "zstd") // Compress leaves it alone
			body = p.zst
		case p.gz != nil && gz > 0:
			h.Set("Content-Encoding", "gzip")
			body = p.gz
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(status)
	c.Writer.Write(body) //nolint:errcheck // a client that went away reads nothing
}

// acceptedCodings reads the weights the request's Accept-Encoding gives
// gzip (or x-gzip) and zstd, each falling back on the weight of * and 0
// when neither is listed.
func acceptedCodings(r *http.Request) (gz, zst float64) {
	gz, zst, star := -1.0, -1.0, -1.0
	for _, line := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(line, ",") {
			coding, params, _ := strings.Cut(part, ";")
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip":
				gz = max(gz, qValue(params))
			case "zstd":
				zst = max(zst, qValue(params))
			case "*":
				star = max(star, qValue(params))
			}
		}
	}
	if gz < 0 {
		gz = max(star, 0)
	}
	if zst < 0 {
		zst = max(star, 0)
	}
	return gz, zst
}

// qValue reads the q parameter of an Accept-Encoding element ("q=0.5"):
// 1 without one, 0 when it cannot be read.
func qValue(params string) float64 {
	for _, p := range strings.Split(params, ";") {
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
