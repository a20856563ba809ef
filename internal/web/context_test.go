package web

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

func TestLocalPath(t *testing.T) {
	for p, want := range map[string]bool{
		"/":                        true,
		"/modules/online-feedback": true,
		"/zoeken?q=hulp":           true,
		"":                         false,
		"evil.example":             false,
		"//evil.example":           false,
		"/\\evil.example":          false,
		"https://evil.example/":    false,
		"javascript:alert(1)":      false,
		"/\t/evil.example":         false,
		"/\n/evil.example":         false,
		"/\r\nSet-Cookie: x=1":     false,
		"/\x00":                    false,
		"/\x7f":                    false,
	} {
		if got := LocalPath(p); got != want {
			t.Errorf("LocalPath(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestFlashSeal(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	newSealer := func(key []byte, secure bool) *flashSealer {
		t.Helper()
		h, err := Flash(key, secure)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		h(c)
		return sealer(c)
	}
	f := newSealer(key, false)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	v := f.seal("ok", "Welkom, Zoë Öztürk", now)
	if kind, msg, ok := f.open(v, now.Add(59*time.Second)); !ok || kind != "ok" || msg != "Welkom, Zoë Öztürk" {
		t.Errorf("open after 59 s = %q %q %v, want the message", kind, msg, ok)
	}
	if _, _, ok := f.open(v, now.Add(61*time.Second)); ok {
		t.Errorf("a flash cookie older than a minute opened")
	}
	if _, _, ok := newSealer([]byte("another key of thirty-two bytes!"), false).open(v, now); ok {
		t.Errorf("a cookie sealed under another installation's key opened")
	}
	if _, _, ok := newSealer(key, true).open(v, now); ok {
		t.Errorf("a value moved from nabij_flash to __Host-nabij_flash opened")
	}
	if v2 := f.seal("ok", "Welkom, Zoë Öztürk", now); v2 == v {
		t.Errorf("two seals of one message are equal: the nonce is not fresh")
	}
	if _, err := Flash([]byte("short"), false); err == nil {
		t.Errorf("Flash accepted a 5-byte key")
	}
}
