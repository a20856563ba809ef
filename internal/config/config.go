// Package config reads the platform's settings from environment variables.
// Every setting has a default that works for local use; the README lists them.
package config

import (
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the platform.
type Config struct {
	Port             int           // PORT
	DatabaseURL      string        // DATABASE_URL
	BaseURL          string        // BASE_URL, absolute, no trailing slash
	MigrateOnStart   bool          // MIGRATE_ON_START
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
	LogLevel         string        // LOG_LEVEL
	MaxBodyBytes     int64         // MAX_BODY_BYTES
	MaxDBConnections int           // DATABASE_MAX_CONNECTIONS
	CacheMaxAge      time.Duration // CACHE_MAX_AGE; 0 turns the in-memory caches off
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
	c.SecureCookies = boolean("SECURE_COOKIES", strings.HasPrefix(c.BaseURL, "https://"))
	if p := str("TRUSTED_PROXIES", ""); p != "" {
		for _, s := range strings.Split(p, ",") {
			if s = strings.TrimSpace(s); s != "" {
				c.TrustedProxies = append(c.TrustedProxies, s)
			}
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
	c.LogLevel = str("LOG_LEVEL", "info")
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		errs = append(errs, fmt.Sprintf("LOG_LEVEL=%q is not debug, info, warn or error", c.LogLevel))
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
	if c.DatabaseURL == "" {
		errs = append(errs, "DATABASE_URL is not set (make run sets it to a private PostgreSQL)")
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("config: %s", strings.Join(errs, "; "))
	}
	return c, nil
}
