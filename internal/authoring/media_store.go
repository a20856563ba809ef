package authoring

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"

	"nabij.be/leerplatform/internal/content"
)

// MaxUpload is the largest image a trainer may upload.
const MaxUpload = content.MaxMediaSize

// uploadExt maps the content types a trainer may upload to the extension
// of the name the platform gives the file. SVG is not among them: it can
// carry script.
var uploadExt = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}

// UploadRefused is a Dutch reason why an upload was refused.
type UploadRefused string

func (u UploadRefused) Error() string { return string(u) }

// SaveUpload checks an uploaded image by its content and stores it in the
// module's media under a name the platform chooses (from the content's
// hash), which it returns. The name the browser sent is never used for
// storage.
func (s *Store) SaveUpload(ctx context.Context, moduleID int64, data []byte) (string, error) {
	if len(data) == 0 {
		return "", UploadRefused("het bestand is leeg")
	}
	if len(data) > MaxUpload {
		return "", UploadRefused(fmt.Sprintf("het bestand is groter dan %d MB", MaxUpload>>20))
	}
	ext, ok := uploadExt[http.DetectContentType(data)]
	if !ok {
		return "", UploadRefused("alleen PNG-, JPEG- en WebP-afbeeldingen zijn toegelaten (de inhoud van het bestand telt, niet de naam)")
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	name := "upload-" + hash[:16] + ext
	ct, reason := content.DetectImage(name, data)
	if reason != "" {
		return "", UploadRefused(reason)
	}
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO media (module_id, name, content_type, data, sha256) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (module_id, name) DO NOTHING`, moduleID, name, ct, data, hash)
	if err != nil {
		return "", fmt.Errorf("authoring: save upload: %w", err)
	}
	return name, nil
}
