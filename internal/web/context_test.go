package web

import "testing"

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
