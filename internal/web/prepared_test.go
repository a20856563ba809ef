package web

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzip"
)

// A prepared page goes out gzip-compressed when the browser accepts gzip
// (also when it prefers zstd: the gzip copy is the smaller one), decodes
// to exactly the page, and says its length and that it varies by
// Accept-Encoding, once.
func TestPreparedPageSendsTheAcceptedCoding(t *testing.T) {
	gin.SetMode(gin.TestMode)
	html := []byte("<!doctype html><title>Les</title>" + strings.Repeat("<p>Heldere taal helpt iedereen.</p>\n", 200))
	page := Prepare(html)
	for _, tc := range []struct{ accept, want string }{
		{"", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br, zstd", "gzip"},
		{"zstd;q=0.5, gzip", "gzip"},
		{"gzip;q=0, zstd", ""},
		{"*", "gzip"},
		{"*;q=0, gzip", "gzip"},
		{"identity", ""},
		{"GZIP;Q=0.8", "gzip"},
		{"x-gzip", "gzip"},
		{"gzip;q=nonsense", ""},
	} {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
		if tc.accept != "" {
			c.Request.Header.Set("Accept-Encoding", tc.accept)
		}
		page.Send(c, http.StatusOK)
		res := w.Result()
		if got := res.Header.Get("Content-Encoding"); got != tc.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tc.accept, got, tc.want)
			continue
		}
		if v := res.Header.Values("Vary"); len(v) != 1 || v[0] != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary %q, want Accept-Encoding once", tc.accept, v)
		}
		body := w.Body.Bytes()
		if n, err := strconv.Atoi(res.Header.Get("Content-Length")); err != nil || n != len(body) {
			t.Errorf("Accept-Encoding %q: Content-Length %q for %d bytes", tc.accept, res.Header.Get("Content-Length"), len(body))
		}
		var decoded []byte
		var err error
		switch tc.want {
		case "gzip":
			var zr *gzip.Reader
			if zr, err = gzip.NewReader(bytes.NewReader(body)); err == nil {
				decoded, err = io.ReadAll(zr)
			}
		default:
			decoded = body
		}
		if err != nil || !bytes.Equal(decoded, html) {
			t.Errorf("Accept-Encoding %q: body does not decode to the page (%v)", tc.accept, err)
		}
		if tc.want != "" && len(body)*4 > len(html) {
			t.Errorf("Accept-Encoding %q: %d bytes of %d compressed", tc.accept, len(body), len(html))
		}
	}
}

// A short page is sent as it is: compressing it would not pay.
func TestPreparedShortPageIsNotCompressed(t *testing.T) {
	gin.SetMode(gin.TestMode)
	page := Prepare([]byte("<p>kort</p>"))
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
	c.Request.Header.Set("Accept-Encoding", "gzip, zstd")
	page.Send(c, http.StatusOK)
	if enc := w.Result().Header.Get("Content-Encoding"); enc != "" || w.Body.String() != "<p>kort</p>" {
		t.Errorf("short page: Content-Encoding %q, body %q", enc, w.Body.String())
	}
}
