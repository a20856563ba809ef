package sso

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"strconv"
)

// Sealer encrypts client secrets with AES-256-GCM under a key derived from
// SSO_SECRET_KEY, bound to their organisation: a database dump alone does
// not give them away, and a sealed secret copied to another organisation's
// row does not open. Without a key, secrets are stored as entered (the
// admin page says so) and only never shown again.
type Sealer struct{ aead cipher.AEAD }

// NewSealer returns a sealer for the key, or nil for an empty key.
func NewSealer(key string) *Sealer {
	if key == "" {
		return nil
	}
	k := sha256.Sum256([]byte("nabij sso client secret\x00" + key))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return &Sealer{aead: aead}
}

// Seal encrypts a secret of an organisation. sealed is false when there is
// no key.
func (s *Sealer) Seal(orgID int64, secret string) (out []byte, sealed bool) {
	if s == nil {
		return []byte(secret), false
	}
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce) //nolint:errcheck // crypto/rand.Read never fails
	return s.aead.Seal(nonce, nonce, []byte(secret), []byte(strconv.FormatInt(orgID, 10))), true
}

// errNoKey: the secret was sealed, but SSO_SECRET_KEY is not set (or
// another key is).
var errNoKey = errors.New("sso: the client secret is sealed, but SSO_SECRET_KEY is missing or different")

// Open returns the secret as entered.
func (s *Sealer) Open(orgID int64, stored []byte, sealed bool) (string, error) {
	if !sealed {
		return string(stored), nil
	}
	if s == nil || len(stored) < s.aead.NonceSize() {
		return "", errNoKey
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, stored[:n], stored[n:], []byte(strconv.FormatInt(orgID, 10)))
	if err != nil {
		return "", errNoKey
	}
	return string(plain), nil
}
