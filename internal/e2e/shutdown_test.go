package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/database/dbtest"
)

// TestSIGTERMDrainsInFlightRequests sends SIGTERM to a server that is busy:
// guests load a module page in a loop, and a learner's login form is still
// being uploaded. New connections are refused once shutdown begins, the
// login whose body was still arriving gets its full answer, no request is
// cut off half-way, and the process exits 0 within SHUTDOWN_TIMEOUT.
func TestSIGTERMDrainsInFlightRequests(t *testing.T) {
	const drain = 10 * time.Second
	_, dbURL := dbtest.NewWithURL(t)
	env := []string{"DATABASE_URL=" + dbURL}
	runCommand(t, env, "demo")
	srv := startServer(t, "nabij", append(env, "SHUTDOWN_TIMEOUT="+drain.String())...)
	addr := fmt.Sprintf("127.0.0.1:%d", srv.Port)

	// Guests load a page in a loop, a new connection each time.
	var (
		stop        atomic.Bool
		wg          sync.WaitGroup
		ok, refused atomic.Int64
		termSent    atomic.Bool
		mu          sync.Mutex
		broken      []string
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			for !stop.Load() {
				resp, err := hc.Get(srv.URL + "/modules/online-informeren")
				if err != nil {
					// Refused, reset or closed without an answer after
					// SIGTERM: the request was never handled (the server's log
					// is compared with the pages received below).
					if termSent.Load() && (errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)) {
						refused.Add(1)
						time.Sleep(10 * time.Millisecond)
						continue
					}
					mu.Lock()
					broken = append(broken, err.Error())
					mu.Unlock()
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "</html>") {
					mu.Lock()
					broken = append(broken, fmt.Sprintf("status %d, %d bytes, read error %v", resp.StatusCode, len(body), err))
					mu.Unlock()
					continue
				}
				ok.Add(1)
			}
		}()
	}
	defer func() { stop.Store(true); wg.Wait() }()
	waitFor(t, "guest page loads before SIGTERM", 30*time.Second, func() bool { return ok.Load() >= 10 })

	// A login whose body is only half sent when SIGTERM arrives.
	body := url.Values{"email": {demoLearner}, "wachtwoord": {demoPassword}, "terug": {"/mijn-leertraject"}}.Encode()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	head := "POST /aanmelden HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
		"Sec-Fetch-Site: same-origin\r\nConnection: close\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\n\r\n"
	half := len(body) / 2
	if _, err := io.WriteString(conn, head+body[:half]); err != nil {
		t.Fatalf("send the first half: %v", err)
	}
	// Let the server read the headers: the connection is then active.
	time.Sleep(200 * time.Millisecond)

	sent := time.Now()
	termSent.Store(true)
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	waitFor(t, "new connections to be refused after SIGTERM", 10*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return errors.Is(err, syscall.ECONNREFUSED)
		}
		c.Close()
		return false
	})
	if srv.exited() {
		t.Fatalf("the server exited (%v) while a request was still in flight", srv.err)
	}
	refusedAt := time.Since(sent)

	// The rest of the body, slowly; the answer must be the real one.
	for _, chunk := range []string{body[half : half+(len(body)-half)/2], body[half+(len(body)-half)/2:]} {
		time.Sleep(100 * time.Millisecond)
		if _, err := io.WriteString(conn, chunk); err != nil {
			t.Fatalf("send the rest of the body after SIGTERM: %v", err)
		}
	}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the in-flight login got no answer after SIGTERM: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/mijn-leertraject" || len(resp.Cookies()) == 0 {
		t.Errorf("in-flight login: status %d to %q with %d cookies, want 303 to /mijn-leertraject with a session cookie",
			resp.StatusCode, resp.Header.Get("Location"), len(resp.Cookies()))
	}

	select {
	case <-srv.done:
	case <-time.After(drain + 5*time.Second):
		t.Fatalf("the server did not exit within SHUTDOWN_TIMEOUT (%v) + 5s after SIGTERM", drain)
	}
	exitAfter := time.Since(sent)
	if srv.err != nil {
		t.Errorf("exit after SIGTERM: %v, want status 0", srv.err)
	}
	if exitAfter > drain {
		t.Errorf("the server exited %v after SIGTERM, want within SHUTDOWN_TIMEOUT %v", exitAfter, drain)
	}
	stop.Store(true)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(broken) > 0 {
		t.Errorf("%d guest requests were cut off or failed, want each one complete or refused:\n  %s", len(broken), strings.Join(broken[:min(5, len(broken))], "\n  "))
	}
	// Every page the server handled reached its guest whole.
	if handled := strings.Count(srv.Log.String(), `"route":"/modules/:module","status":200`); int64(handled) != ok.Load() {
		t.Errorf("the server logged %d module pages served, the guests received %d complete ones, want equal", handled, ok.Load())
	}
	for _, want := range []string{"shutting down", `"msg":"stopped"`} {
		if !strings.Contains(srv.Log.String(), want) {
			t.Errorf("server log lacks %q", want)
		}
	}
	t.Logf("SIGTERM: refused new connections after %v, exited 0 after %v; %d guest pages served, %d connections refused",
		refusedAt.Round(time.Millisecond), exitAfter.Round(time.Millisecond), ok.Load(), refused.Load())
}
