// Command loginload measures the server under parallel wrong logins: it
// starts the real binary on a fresh database, sends -n wrong-password
// logins at once (each from its own address, through a trusted proxy
// header, so that no throttle key is shared), and prints the server's peak
// resident memory (from /proc) and the latency of /healthz meanwhile.
//
//	go build -o bin/nabij ./cmd/nabij
//	DATABASE_URL=$(scripts/devdb.sh start) go run ./scripts/loginload -n 200
//
// It prints figures; it asserts nothing.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"
)

func main() {
	bin := flag.String("bin", "bin/nabij", "the server binary")
	n := flag.Int("n", 200, "parallel wrong logins")
	flag.Parse()
	if err := run(*bin, *n); err != nil {
		fmt.Fprintln(os.Stderr, "loginload:", err)
		os.Exit(1)
	}
}

func run(bin string, n int) error {
	admin := os.Getenv("DATABASE_URL")
	if admin == "" {
		return fmt.Errorf("DATABASE_URL is not set")
	}
	db, err := sqlx.Open("postgres", admin)
	if err != nil {
		return err
	}
	defer db.Close()
	var b [6]byte
	rand.Read(b[:])
	name := "nabij_loginload_" + hex.EncodeToString(b[:])
	if _, err := db.Exec(`CREATE DATABASE ` + name); err != nil {
		return err
	}
	defer db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) //nolint:errcheck
	u, err := url.Parse(admin)
	if err != nil {
		return err
	}
	u.Path = "/" + name

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+u.String(), "PORT="+port, "TRUSTED_PROXIES=127.0.0.1", "LOG_LEVEL=error", "METRICS_ADDR=off")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer cmd.Process.Kill() //nolint:errcheck
	base := "http://127.0.0.1:" + port
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: n + 10, MaxConnsPerHost: 0}}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		r, err := client.Get(base + "/readyz")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server not ready after 2 minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}
	pid := cmd.Process.Pid
	idle := rss(pid, "VmRSS")

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var health []time.Duration
	healthErrs := 0
	wg.Add(1)
	go func() { // /healthz every 50 ms while the logins run
		defer wg.Done()
		for ctx.Err() == nil {
			start := time.Now()
			r, err := client.Get(base + "/healthz")
			if err != nil || r.StatusCode != 200 {
				healthErrs++
			}
			if err == nil {
				r.Body.Close()
			}
			health = append(health, time.Since(start))
			time.Sleep(50 * time.Millisecond)
		}
	}()

	var mu sync.Mutex
	statuses := map[int]int{}
	var logins []time.Duration
	var lw sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		lw.Add(1)
		go func() {
			defer lw.Done()
			form := url.Values{"email": {fmt.Sprintf("gok%d@load.example", i)}, "wachtwoord": {"een fout wachtwoord"}}
			req, _ := http.NewRequest(http.MethodPost, base+"/aanmelden", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.%d.%d", i/250, i%250+1))
			<-start
			t0 := time.Now()
			r, err := client.Do(req)
			d := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			logins = append(logins, d)
			if err != nil {
				statuses[-1]++
				return
			}
			r.Body.Close()
			statuses[r.StatusCode]++
		}()
	}
	time.Sleep(200 * time.Millisecond) // a few /healthz before
	close(start)
	lw.Wait()
	time.Sleep(200 * time.Millisecond)
	stop()
	wg.Wait()
	peak := rss(pid, "VmHWM")

	fmt.Printf("parallel wrong logins: %d (answers %v; -1 = transport error)\n", n, statuses)
	fmt.Printf("server resident memory: %.1f MB idle, %.1f MB peak (VmHWM)\n", idle, peak)
	fmt.Printf("login latency: p50 %v, max %v\n", pct(logins, 50), pct(logins, 100))
	fmt.Printf("/healthz during the logins: %d requests, p50 %v, p99 %v, max %v, errors %d\n",
		len(health), pct(health, 50), pct(health, 99), pct(health, 100), healthErrs)
	return nil
}

// rss reads a memory figure of process pid from /proc, in MB.
func rss(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1000
		}
	}
	return -1
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s) - 1) * p / 100
	return s[i].Round(time.Millisecond)
}
