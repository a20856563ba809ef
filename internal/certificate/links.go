package certificate

import (
	"context"

	"nabij.be/leerplatform/internal/learning"
)

// ForUser lists a learner's valid certificates as links for the "Mijn
// leertraject" dashboard; revoked ones can no longer be downloaded and are
// left out. It makes *Issuer a learning.CertificateLister.
func (i *Issuer) ForUser(ctx context.Context, userID int64) ([]learning.CertificateLink, error) {
	rs, err := i.store.ForUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	links := make([]learning.CertificateLink, 0, len(rs))
	for _, r := range rs {
		if r.Revoked() {
			continue
		}
		links = append(links, learning.CertificateLink{
			Title: r.Title, URL: DownloadPath(r.Code), IssuedAt: r.IssuedAt, Programme: r.Programme,
		})
	}
	return links, nil
}

// The issuer is what the learning capability reports completions to and
// lists certificates from.
var (
	_ learning.CompletionHook    = (*Issuer)(nil)
	_ learning.CertificateLister = (*Issuer)(nil)
)
