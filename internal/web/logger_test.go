package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// A busy answer the platform gives on purpose (password hashing slots full)
// is a warning in the log; any other 5xx stays an error.
func TestLoggerLevels(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	e := gin.New()
	e.Use(Logger(log))
	e.GET("/druk", func(c *gin.Context) { Shed(c); c.Status(http.StatusServiceUnavailable) })
	e.GET("/stuk", func(c *gin.Context) { c.Status(http.StatusServiceUnavailable) })
	e.GET("/goed", func(c *gin.Context) { c.Status(http.StatusOK) })
	for _, tc := range []struct{ path, level string }{
		{"/druk", `"level":"WARN"`},
		{"/stuk", `"level":"ERROR"`},
		{"/goed", `"level":"INFO"`},
	} {
		buf.Reset()
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, tc.path, nil))
		if !strings.Contains(buf.String(), tc.level) {
			t.Errorf("GET %s logged %q, want %s", tc.path, buf.String(), tc.level)
		}
	}
}
