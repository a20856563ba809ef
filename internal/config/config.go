// Package config reads the platform's settings from environment variables.
// Every setting has a default that works for local use; the README lists them.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the platform.
type Config struct {
	Port             int           // PORT
	ListenAddr       string        // LISTEN_ADDR, the IP address to listen on; empty: every interface
	MetricsAddr      string        // METRICS_ADDR, host:port of the Prometheus metrics; empty when "off"
	PprofAddr        string        // PPROF_ADDR, loopback host:port of Go's profiler; empty: off
	MemoryLimit      int64         // GOMEMLIMIT in bytes; the runtime applies a value set in the environment itself
	MemoryLimitSet   bool          // GOMEMLIMIT was given in the environment
	DatabaseURL      string        // DATABASE_URL
	BaseURL          string        // BASE_URL, absolute, no trailing slash
	MigrateOnStart   bool          // MIGRATE_ON_START
	MigrateLockWait  time.Duration // MIGRATE_LOCK_TIMEOUT: a migration's longest wait for a table lock
	MigrateStatement time.Duration // MIGRATE_STATEMENT_TIMEOUT: a migration statement's longest run
	ImportOnStart    bool          // IMPORT_ON_START
	SecureCookies    bool          // SECURE_COOKIES
	TrustedProxies   []string      // TRUSTED_PROXIES, comma-separated CIDRs or IPs
	SMTPURL          string        // SMTP_URL, smtp://user:pass@host:port or smtps://…
	MailFrom         string        // MAIL_FROM, an address that net/mail parses
	MailReplyTo      string        // MAIL_REPLY_TO, optional
	JobRetryBase     time.Duration // JOBS_RETRY_BASE, only for tests (see DefaultJobRetryBase)
	JobRescueAfter   time.Duration // JOBS_RESCUE_AFTER, only for tests (see DefaultJobRescueAfter)
	JobMaxAttempts   int           // JOBS_MAX_ATTEMPTS, only for tests (0: jobs.MaxAttempts, about a day)
	ShutdownTimeout  time.Duration // SHUTDOWN_TIMEOUT
	SessionIdle      time.Duration // SESSION_IDLE_TIMEOUT
	SessionAbsolute  time.Duration // SESSION_MAX_AGE
	LogLevel         slog.Level    // LOG_LEVEL
	MaxBodyBytes     int64         // MAX_BODY_BYTES
	MaxDBConnections int           // DATABASE_MAX_CONNECTIONS
	CacheMaxAge      time.Duration // CACHE_MAX_AGE; 0 turns the in-memory caches off
	SSOSecretKey     string        // SSO_SECRET_KEY: seals the organisations' OpenID Connect client secrets
}

// Production timings of the job queue (see internal/jobs).
const (
	DefaultJobRetryBase   = 30 * time.Second
	DefaultJobRescueAfter = 5 * time.Minute
)

// DefaultMailFrom is the sender without MAIL_FROM. The display name is
// quoted: an unquoted @ in it does not parse.
const DefaultMailFrom = `"N@BIJ leerplatform" <noreply@localhost>`

// Load reads the environment.
func Load() (*Config, error) { return load(os.Getenv) }

func load(getenv func(string) string) (*Config, error) {
	c := &Config{}
	var errs []string
	str := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	integer := func(key string, def int) int {
		v := str(key, "")
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, fmt.Sprintf("%s=%q is not a whole number", key, v))
			return def
		}
		return n
	}
	boolean := func(key string, def bool) bool {
		v := str(key, "")
		if v == "" {
			return def
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s=%q is not true or false", key, v))
			return def
		}
		return b
	}
	duration := func(key string, def time.Duration) time.Duration {
		v := str(key, "")
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Sprintf("%s=%q is not a duration such as 30s or 12h", key, v))
			return def
		}
		return d
	}

	c.Port = integer("PORT", 8080)
	if c.Port < 1 || c.Port > 65535 {
		errs = append(errs, fmt.Sprintf("PORT=%d is not a TCP port (1–65535)", c.Port))
	}
	c.DatabaseURL = str("DATABASE_URL", "")
	c.BaseURL = strings.TrimRight(str("BASE_URL", fmt.Sprintf("http://localhost:%d", c.Port)), "/")
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Sprintf("BASE_URL=%q is not an absolute http(s) URL", c.BaseURL))
	}
	c.MigrateOnStart = boolean("MIGRATE_ON_START", true)
	c.ImportOnStart = boolean("IMPORT_ON_START", true)
	c.MigrateLockWait = duration("MIGRATE_LOCK_TIMEOUT", 5*time.Second)
	c.MigrateStatement = duration("MIGRATE_STATEMENT_TIMEOUT", 5*time.Minute)
	c.SecureCookies = boolean("SECURE_COOKIES", strings.HasPrefix(c.BaseURL, "https://"))
	if p := str("TRUSTED_PROXIES", ""); p != "" {
		for _, s := range strings.Split(p, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			if !validProxy(s) {
				errs = append(errs, fmt.Sprintf("TRUSTED_PROXIES: %q is not an IP address or a CIDR range such as 10.0.0.0/8", s))
				continue
			}
			c.TrustedProxies = append(c.TrustedProxies, s)
		}
	}
	c.SMTPURL = str("SMTP_URL", "")
	c.MailFrom = str("MAIL_FROM", DefaultMailFrom)
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		errs = append(errs, fmt.Sprintf(`MAIL_FROM=%q is not an e-mail address such as "N@BIJ leerplatform" <noreply@gemeente.be> (a name with @ or other special characters goes between double quotes)`, c.MailFrom))
	}
	c.MailReplyTo = str("MAIL_REPLY_TO", "")
	if _, err := mail.ParseAddress(c.MailReplyTo); c.MailReplyTo != "" && err != nil {
		errs = append(errs, fmt.Sprintf(`MAIL_REPLY_TO=%q is not an e-mail address such as "Dienst opleiding" <opleiding@gemeente.be>`, c.MailReplyTo))
	}
	// Jobs retry after 30 s, doubling up to 2 h, for about a day; a stuck
	// job (its process died) runs again after 5 min. Tests shorten both,
	// because they cannot wait minutes for a retry; production keeps them.
	c.JobRetryBase = duration("JOBS_RETRY_BASE", DefaultJobRetryBase)
	c.JobRescueAfter = duration("JOBS_RESCUE_AFTER", DefaultJobRescueAfter)
	c.JobMaxAttempts = integer("JOBS_MAX_ATTEMPTS", 0)
	c.ShutdownTimeout = duration("SHUTDOWN_TIMEOUT", 20*time.Second)
	c.SessionIdle = duration("SESSION_IDLE_TIMEOUT", 2*time.Hour)
	c.SessionAbsolute = duration("SESSION_MAX_AGE", 12*time.Hour)
	if level, err := logLevel(getenv); err != nil {
		errs = append(errs, err.Error())
	} else {
		c.LogLevel = level
	}
	c.ListenAddr = str("LISTEN_ADDR", "")
	if c.ListenAddr != "" {
		if a, err := netip.ParseAddr(c.ListenAddr); err != nil || a.Zone() != "" {
			errs = append(errs, fmt.Sprintf("LISTEN_ADDR=%q is not an IP address such as 127.0.0.1 or :: (leave it empty for every interface)", c.ListenAddr))
		}
	}
	c.MetricsAddr = str("METRICS_ADDR", DefaultMetricsAddr)
	if c.MetricsAddr == "off" {
		c.MetricsAddr = ""
	} else if _, err := hostPort(c.MetricsAddr); err != nil {
		errs = append(errs, fmt.Sprintf("METRICS_ADDR=%q is not an address such as 127.0.0.1:9180 (or off): %v", c.MetricsAddr, err))
	}
	c.PprofAddr = str("PPROF_ADDR", "")
	if c.PprofAddr != "" {
		if a, err := hostPort(c.PprofAddr); err != nil {
			errs = append(errs, fmt.Sprintf("PPROF_ADDR=%q is not an address such as 127.0.0.1:6060: %v", c.PprofAddr, err))
		} else if !a.IsValid() || !a.IsLoopback() {
			errs = append(errs, fmt.Sprintf("PPROF_ADDR=%q is not a loopback address: the profiler must never be reachable from the network (use 127.0.0.1:6060)", c.PprofAddr))
		}
	}
	c.MemoryLimit = DefaultMemoryLimit
	if v := str("GOMEMLIMIT", ""); v != "" {
		n, err := memoryLimit(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("GOMEMLIMIT=%q is not a size such as 40MiB or 1GiB (or off)", v))
		}
		c.MemoryLimit, c.MemoryLimitSet = n, true
	}
	c.MaxBodyBytes = int64(integer("MAX_BODY_BYTES", 10<<20))
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Sprintf("MAX_BODY_BYTES=%d is too small (at least 1024)", c.MaxBodyBytes))
	}
	c.MaxDBConnections = integer("DATABASE_MAX_CONNECTIONS", 32)
	if c.MaxDBConnections < 1 {
		errs = append(errs, "DATABASE_MAX_CONNECTIONS must be at least 1")
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			// Not echoed: the URL may hold a password.
			errs = append(errs, "SMTP_URL is not an smtp://user:password@host:port (STARTTLS) or smtps://user:password@host:port (TLS) URL")
		}
	}
	c.CacheMaxAge = 30 * time.Second
	if v := str("CACHE_MAX_AGE", ""); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			errs = append(errs, fmt.Sprintf("CACHE_MAX_AGE=%q is not a duration such as 30s (0 turns the cache off)", v))
		} else {
			c.CacheMaxAge = d
		}
	}
	c.SSOSecretKey = str("SSO_SECRET_KEY", "")
	if c.SSOSecretKey != "" && len(c.SSOSecretKey) < 32 {
		errs = append(errs, "SSO_SECRET_KEY is too short (at least 32 characters, e.g. openssl rand -base64 32)")
	}
	if c.DatabaseURL == "" {
		errs = append(errs, "DATABASE_URL is not set (make run sets it to a private PostgreSQL)")
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("config: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// DefaultMetricsAddr is where the Prometheus metrics are served unless
// METRICS_ADDR says otherwise: loopback only, so that nothing about the
// platform's traffic is public by accident.
const DefaultMetricsAddr = "127.0.0.1:9180"

// DefaultMemoryLimit keeps the server's heap small unless GOMEMLIMIT says
// otherwise: its live data is a few megabytes, and without a limit the
// garbage collector lets the heap grow with the request rate.
const DefaultMemoryLimit = 40 << 20

// Addr is the public listener's address: LISTEN_ADDR and PORT.
func (c *Config) Addr() string { return net.JoinHostPort(c.ListenAddr, strconv.Itoa(c.Port)) }

// LogLevel reads LOG_LEVEL, for the commands that log before (or without)
// loading the whole configuration. An unknown level is an error.
func LogLevel() (slog.Level, error) { return logLevel(os.Getenv) }

func logLevel(getenv func(string) string) (slog.Level, error) {
	v := strings.TrimSpace(getenv("LOG_LEVEL"))
	if v == "" {
		return slog.LevelInfo, nil
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(v)); err != nil {
		return slog.LevelInfo, fmt.Errorf("LOG_LEVEL=%q is not debug, info, warn or error", v)
	}
	return level, nil
}

// validProxy reports whether s is an IP address or a CIDR prefix, the forms
// gin's SetTrustedProxies accepts.
func validProxy(s string) bool {
	if strings.Contains(s, "/") {
		_, err := netip.ParsePrefix(s)
		return err == nil
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

// hostPort checks a listener address "host:port" with a numeric port and a
// host that is an IP address, "localhost" or empty (every interface), and
// returns the host's address (the loopback address for "localhost", the
// zero Addr for empty).
func hostPort(s string) (netip.Addr, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return netip.Addr{}, err
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return netip.Addr{}, fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	switch host {
	case "":
		return netip.Addr{}, nil
	case "localhost":
		return netip.AddrFrom4([4]byte{127, 0, 0, 1}), nil
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("host %q is not an IP address", host)
	}
	return a, nil
}

// memoryLimit parses GOMEMLIMIT the way the Go runtime does: a number of
// bytes with an optional unit B, KiB, MiB, GiB or TiB, or "off".
func memoryLimit(s string) (int64, error) {
	if s == "off" {
		return -1, nil
	}
	units := []struct {
		suffix string
		factor int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	factor := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, factor = strings.TrimSuffix(s, u.suffix), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/factor {
		return 0, fmt.Errorf("bad size")
	}
	return n * factor, nil
}
