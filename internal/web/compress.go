package web

import (
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
)

// compressible are the answers worth compressing: pages, styles, scripts,
// CSV exports, SVG. PDFs, ZIPs, fonts and photos are compressed already.
var compressible = []string{"text/html", "text/css", "text/javascript", "application/javascript", "text/csv", "text/plain", "application/json", "image/svg+xml"}

// Compress wraps h so that text answers of 1 KiB or more go out as zstd or
// gzip when the browser accepts it (klauspost/compress's gzhttp, at its
// fastest levels: on a 2-core server the CPU, not the network, is scarce).
// Pages carry no secret a third party could probe by reflection (forms are
// guarded by the Origin check, not by tokens in the page), so BREACH-style
// padding is not needed.
func Compress(h http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.MinSize(1024),
		gzhttp.CompressionLevel(1),
		gzhttp.ContentTypeFilter(func(ct string) bool {
			ct, _, _ = strings.Cut(strings.ToLower(ct), ";")
			for _, c := range compressible {
				if strings.TrimSpace(ct) == c {
					return true
				}
			}
			return false
		}),
	)
	if err != nil {
		panic("web: compression options: " + err.Error()) // fixed options: a programming error
	}
	return wrap(h)
}
