package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Argon2id parameters (OWASP's recommendation: 19 MiB, two passes, one
// lane). They are stored in every hash, so raising them later keeps old
// hashes readable.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Password length limits, counted in characters after NFC normalisation.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 256
)

// Password problems, mapped to Dutch messages by the handlers.
var (
	ErrPasswordShort  = errors.New("password too short")
	ErrPasswordLong   = errors.New("password too long")
	ErrPasswordCommon = errors.New("password too common")
)

// normalise puts a password in NFC, so that "é" typed as one or as two code
// points is the same password.
func normalise(password string) string { return norm.NFC.String(password) }

// CheckPassword applies the password rules: length and not a common
// password. There are no composition rules.
func CheckPassword(password string) error {
	p := normalise(password)
	n := utf8.RuneCountInString(p)
	switch {
	case n < MinPasswordLength:
		return ErrPasswordShort
	case n > MaxPasswordLength:
		return ErrPasswordLong
	case isCommon(p):
		return ErrPasswordCommon
	}
	return nil
}

// PasswordMessage is the i18n key explaining a CheckPassword error.
func PasswordMessage(err error) string {
	switch {
	case errors.Is(err, ErrPasswordShort):
		return "auth.password.short"
	case errors.Is(err, ErrPasswordLong):
		return "auth.password.long"
	case errors.Is(err, ErrPasswordCommon):
		return "auth.password.common"
	}
	return "auth.password.invalid"
}

// HashPassword returns the argon2id hash of the NFC-normalised password in
// the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(normalise(password)), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches the PHC hash.
func VerifyPassword(password, hash string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	var memory, time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil {
		return false
	}
	// Refuse absurd parameters rather than let a bad row exhaust memory.
	if memory == 0 || memory > 1<<20 || time == 0 || time > 16 || threads == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false
	}
	got := argon2.IDKey([]byte(normalise(password)), salt, time, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when an e-mail address is unknown, so that
// an unknown address takes as long to refuse as a wrong password.
var dummyHash = func() string {
	h, err := HashPassword("dummy password that nobody has")
	if err != nil {
		panic(err)
	}
	return h
}()
