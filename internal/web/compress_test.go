package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"nabij.be/leerplatform/internal/apptest"
)

// get asks env for path with the given Accept-Encoding and returns the
// answer with its raw (still compressed) body.
func get(t *testing.T, env *apptest.Env, method, path, accept string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, env.URL(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	// A transport that leaves the body as sent.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// Pages, styles and scripts go out compressed to a browser that accepts
// it and decompress to exactly the plain answer: answers made on the fly
// as zstd where preferred, else gzip; pages kept ready (the catalogue's)
// as the gzip copy made when they were rendered, the smaller one. A client
// that does not ask gets the plain bytes; PDFs and fonts are left alone.
func TestTextAnswersAreCompressed(t *testing.T) {
	env := apptest.New(t)
	const page = "/modules/online-informeren"
	plain, plainBody := get(t, env, http.MethodGet, page, "")
	if plain.StatusCode != http.StatusOK || plain.Header.Get("Content-Encoding") != "" {
		t.Fatalf("without Accept-Encoding: status %d, encoding %q, want 200 uncompressed", plain.StatusCode, plain.Header.Get("Content-Encoding"))
	}
	css := regexp.MustCompile(`href="(/static/[^"]+\.css)"`).FindSubmatch(plainBody)
	if css == nil {
		t.Fatalf("no stylesheet link on %s", page)
	}

	for _, tc := range []struct {
		path, accept, want string
		decode             func([]byte) ([]byte, error)
	}{
		{page, "gzip, deflate, br", "gzip", gunzip},
		{page, "gzip, deflate, br, zstd", "gzip", gunzip},
		{string(css[1]), "gzip", "gzip", gunzip},
		{string(css[1]), "gzip, deflate, br, zstd", "zstd", unzstd},
	} {
		resp, body := get(t, env, http.MethodGet, tc.path, tc.accept)
		if got := resp.Header.Get("Content-Encoding"); got != tc.want {
			t.Errorf("%s with Accept-Encoding %q: Content-Encoding %q, want %q", tc.path, tc.accept, got, tc.want)
			continue
		}
		if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Vary %q lacks Accept-Encoding (a cache would hand gzip to a client that cannot read it)", tc.path, resp.Header.Get("Vary"))
		}
		decoded, err := tc.decode(body)
		if err != nil {
			t.Errorf("%s: %s body does not decode: %v", tc.path, tc.want, err)
			continue
		}
		_, want := get(t, env, http.MethodGet, tc.path, "")
		if tc.path == page {
			// Each page has its own request id in no part of the body; the
			// HTML must be identical.
			want = plainBody
		}
		if !bytes.Equal(decoded, want) {
			t.Errorf("%s: decoded %s body (%d bytes) differs from the plain one (%d bytes)", tc.path, tc.want, len(decoded), len(want))
		}
		t.Logf("%s: %d bytes plain, %d as %s", tc.path, len(want), len(body), tc.want)
		if len(body)*2 > len(want) {
			t.Errorf("%s: %s body is %d bytes of %d, want it at most half", tc.path, tc.want, len(body), len(want))
		}
	}

	const font = "/static/any/fonts/NotoSans-Regular.ttf"
	if resp, _ := get(t, env, http.MethodGet, font, "gzip"); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("font %s: status %d, Content-Encoding %q, want 200 as it is (fonts are not among the text types)", font, resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	if resp, body := get(t, env, http.MethodHead, page, "gzip"); resp.StatusCode != http.StatusOK || len(body) != 0 {
		t.Errorf("HEAD %s with gzip: status %d, %d body bytes, want 200 and no body", page, resp.StatusCode, len(body))
	}
}

func gunzip(b []byte) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func unzstd(b []byte) ([]byte, error) {
	d, err := zstd.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return io.ReadAll(d)
}
