package certificate

import (
	"mime"
	"net/url"
	"strings"
	"testing"
)

func TestFileName(t *testing.T) {
	tests := []struct {
		title, name, want string
	}{
		{"Online informeren", "Zoë Ijzerman", "Certificaat-Online informeren-Zoë Ijzerman.pdf"},
		{"Online informeren", "Zoë Ĳzerman-D'Hondt", "Certificaat-Online informeren-Zoë Ĳzerman-D'Hondt.pdf"},
		{"Blended werken", `Eve "/../etc/passwd" <x>`, "Certificaat-Blended werken-Eve .. etc passwd x.pdf"},
		{"Module", "  \t\r\n ", "Certificaat-Module-certificaat.pdf"},
		{"Module", "Ze\u0301lie", "Certificaat-Module-Zélie.pdf"}, // NFC
	}
	for _, tt := range tests {
		if got := FileName(tt.title, tt.name); got != tt.want {
			t.Errorf("FileName(%q, %q) = %q, want %q", tt.title, tt.name, got, tt.want)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	tests := []struct {
		name, wantASCII string
	}{
		{"Certificaat-Online informeren-Zoë Ijzerman.pdf", "Certificaat-Online-informeren-Zoe-Ijzerman.pdf"},
		{"Certificaat-Online informeren-Zoë Ĳzerman.pdf", "Certificaat-Online-informeren-Zoe-IJzerman.pdf"},
		{"Certificaat-Blended werken-Łukasz Żółkiewski.pdf", "Certificaat-Blended-werken-Lukasz-Zolkiewski.pdf"},
		{"Certificaat-Online feedback-Åse Øvergård Ærø.pdf", "Certificaat-Online-feedback-Ase-Overgard-AEro.pdf"},
		{"Certificaat-Online feedback-Chloé O’Brien.pdf", "Certificaat-Online-feedback-Chloe-OBrien.pdf"},
		{"Certificaat-Online feedback-Nguyễn Thị Phương Thảo.pdf", "Certificaat-Online-feedback-Nguyen-Thi-Phuong-Thao.pdf"},
		{"Certificaat-Online feedback-Şükrü Işık.pdf", "Certificaat-Online-feedback-Sukru-Isik.pdf"},
	}
	for _, tt := range tests {
		got := ContentDisposition(tt.name)
		disp, params, err := mime.ParseMediaType(got)
		if err != nil {
			t.Errorf("ContentDisposition(%q) = %q does not parse: %v", tt.name, got, err)
			continue
		}
		// Go's parser decodes filename* and prefers it, as browsers do.
		if disp != "attachment" || params["filename"] != tt.name {
			t.Errorf("ContentDisposition(%q) reads back as %q, %q; want attachment, the exact name", tt.name, disp, params["filename"])
		}
		if !strings.Contains(got, `filename="`+tt.wantASCII+`"`) {
			t.Errorf("ContentDisposition(%q) = %q, want ASCII fallback %q", tt.name, got, tt.wantASCII)
		}
		if strings.ContainsAny(got, "\r\n") {
			t.Errorf("ContentDisposition(%q) holds a line break", tt.name)
		}
	}
	want := `attachment; filename="Certificaat-Online-informeren-Zoe-Ijzerman.pdf"; filename*=UTF-8''Certificaat-Online%20informeren-Zo%C3%AB%20Ijzerman.pdf`
	if got := ContentDisposition("Certificaat-Online informeren-Zoë Ijzerman.pdf"); got != want {
		t.Errorf("ContentDisposition = %s\nwant %s", got, want)
	}
	if got, _ := url.PathUnescape(rfc5987Escape("a b/ë\"")); got != "a b/ë\"" {
		t.Errorf("rfc5987Escape does not round-trip: %q", got)
	}
}
