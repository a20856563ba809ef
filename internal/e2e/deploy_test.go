package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/database/dbtest"
)

// selfSignedCert writes a certificate and key for host into dir.
func selfSignedCert(t *testing.T, dir, host string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "fullchain.pem"), filepath.Join(dir, "privkey.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestNginxExampleFrontsThePlatform runs deploy/nginx.conf as the README
// tells an operator to (only the ports, the certificate and nginx's own
// folders changed for the test) in front of a server started with the
// settings it names: HTTPS with HTTP/2 reaches the platform, plain HTTP is
// sent to HTTPS, and an X-Forwarded-For made up by the client is not
// believed.
func TestNginxExampleFrontsThePlatform(t *testing.T) {
	const host = "leren.example.be"
	_, dbURL := dbtest.NewWithURL(t)
	srv := startServer(t, "nabij", "DATABASE_URL="+dbURL, "LISTEN_ADDR=127.0.0.1", "BASE_URL=https://"+host, "TRUSTED_PROXIES=127.0.0.1")

	example, err := os.ReadFile(filepath.Join(apptest.RepoRoot(t), "deploy", "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile, pool := selfSignedCert(t, dir, host)
	httpsPort, httpPort := freePort(t), freePort(t)
	site := string(example)
	for old, repl := range map[string]string{
		"server 127.0.0.1:8080;":     fmt.Sprintf("server 127.0.0.1:%d;", srv.Port),
		"listen 80;":                 fmt.Sprintf("listen 127.0.0.1:%d;", httpPort),
		"listen [::]:80;":            "",
		"listen 443 ssl http2;":      fmt.Sprintf("listen 127.0.0.1:%d ssl http2;", httpsPort),
		"listen [::]:443 ssl http2;": "",
		"/etc/letsencrypt/live/" + host + "/fullchain.pem": certFile,
		"/etc/letsencrypt/live/" + host + "/privkey.pem":   keyFile,
	} {
		if !strings.Contains(site, old) {
			t.Fatalf("deploy/nginx.conf no longer holds %q: update this test with the example", old)
		}
		site = strings.ReplaceAll(site, old, repl)
	}
	os.WriteFile(filepath.Join(dir, "nabij.conf"), []byte(site), 0o644)
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	main := fmt.Sprintf(`%s
worker_processes 1;
daemon off;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path %[2]s/body;
  proxy_temp_path %[2]s/proxy;
  fastcgi_temp_path %[2]s/fastcgi;
  uwsgi_temp_path %[2]s/uwsgi;
  scgi_temp_path %[2]s/scgi;
  include %[2]s/nabij.conf;
}
`, user, dir)
	os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644)
	bin := nginxPath(t)
	if out, err := exec.Command(bin, "-t", "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log")).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t with deploy/nginx.conf: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }) //nolint:errcheck

	dial := func(port int) func(ctx context.Context, network, addr string) (net.Conn, error) {
		return func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, fmt.Sprintf("127.0.0.1:%d", port))
		}
	}
	hc := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{
			DialContext: dial(httpsPort), TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: host},
			ForceAttemptHTTP2: true,
		},
	}
	var resp *http.Response
	waitFor(t, "nginx to answer over HTTPS", 30*time.Second, func() bool {
		req, _ := http.NewRequest(http.MethodGet, "https://"+host+"/modules/online-informeren", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.77")
		r, err := hc.Do(req)
		if err != nil {
			return false
		}
		resp = r
		return true
	})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ProtoMajor != 2 || !strings.Contains(string(body), "</html>") {
		t.Errorf("module page through nginx: status %d over HTTP/%d, want 200 over HTTP/2", resp.StatusCode, resp.ProtoMajor)
	}
	if hsts := resp.Header.Get("Strict-Transport-Security"); hsts == "" {
		t.Errorf("no HSTS header through nginx with an https BASE_URL")
	}
	// The request's log line is written once the handler returns, which
	// may be after the client has read an answer of known length.
	waitFor(t, "the platform to log the request", 5*time.Second, func() bool {
		return strings.Contains(srv.Log.String(), `"route":"/modules/:module","status":200`)
	})
	if strings.Contains(srv.Log.String(), "203.0.113.77") {
		t.Errorf("the platform logged the client's made-up X-Forwarded-For (or nothing), want nginx's address for the client:\n%s", tail(srv.Log.String(), 2000))
	}

	plain := &http.Client{Timeout: 10 * time.Second, CheckRedirect: hc.CheckRedirect, Transport: &http.Transport{DialContext: dial(httpPort)}}
	r, err := plain.Get("http://" + host + "/aanmelden")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "https://"+host+"/aanmelden" {
		t.Errorf("plain HTTP: status %d to %q, want 301 to https://%s/aanmelden", r.StatusCode, r.Header.Get("Location"), host)
	}
}
