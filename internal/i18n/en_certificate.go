package i18n

func init() { register("en", enCertificate) }

var enCertificate = map[string]string{
	"certificate.verify.title":         "Verify a certificate",
	"certificate.verify.lead":          "Check whether a certificate of the N@BIJ learning platform is genuine. The code is at the bottom of the certificate, next to the QR code.",
	"certificate.verify.label":         "Verification code",
	"certificate.verify.hint":          "28 characters, for example 7KQ2-M9XD-… Capitals, small letters, spaces and hyphens are all fine.",
	"certificate.verify.button":        "Verify",
	"certificate.verify.malformed":     "This is not a valid verification code. A code has 28 letters and digits; check that you copied all of them correctly.",
	"certificate.verify.unknown_title": "No certificate found",
	"certificate.verify.unknown":       "There is no certificate with code %s. Check the code on the certificate.",
	"certificate.verify.valid_title":   "Valid certificate",
	"certificate.verify.valid":         "This certificate is genuine and valid.",
	"certificate.verify.revoked_title": "Revoked certificate",
	"certificate.verify.revoked_on":    "This certificate was revoked on %s and is no longer valid.",
	"certificate.verify.throttled":     "You checked too many codes in a row. Wait a moment, then try again.",

	"certificate.field.name":         "Name",
	"certificate.field.module":       "Module",
	"certificate.field.programme":    "Programme",
	"certificate.field.title":        "Certificate",
	"certificate.field.completed":    "Completed on",
	"certificate.field.organisation": "Organisation",
	"certificate.field.code":         "Code",
	"certificate.field.issued":       "Issued on",
	"certificate.field.status":       "Status",
	"certificate.field.reason":       "Reason for revocation",

	"certificate.status.valid":      "Valid",
	"certificate.status.revoked_on": "Revoked on %s",

	"certificate.list.title":     "My certificates",
	"certificate.list.lead":      "You receive a certificate for every module you complete, and one for the full programme.",
	"certificate.list.empty":     "You have no certificates yet. Complete a module to receive one.",
	"certificate.list.actions":   "Actions",
	"certificate.list.download":  "Download (PDF)",
	"certificate.list.verify":    "Verification page",
	"certificate.list.programme": "Full programme",
	"certificate.list.revoked":   "Revoked",

	"certificate.download.revoked":     "This certificate was revoked and can no longer be downloaded. Contact the administrator if you have questions.",
	"certificate.download.unprintable": "Your name contains characters the certificate cannot print. Please contact the administrator.",
	"certificate.zip.empty":            "There are no valid certificates in your organisation or team yet.",

	"certificate.admin.title":         "Certificates",
	"certificate.admin.search_label":  "Search by code or name",
	"certificate.admin.count":         "%d certificates found for ‘%s’.",
	"certificate.admin.latest":        "The most recently issued certificates (at most %d).",
	"certificate.admin.query_invalid": "Your search is too long. Use at most 200 characters.",
	"certificate.admin.show_title":    "Certificate %s",
	"certificate.admin.public_page":   "View the public verification page",

	"certificate.revoke.title":           "Revoke certificate",
	"certificate.revoke.lead":            "A revoked certificate shows as ‘revoked’ on the verification page, with the date. The reason stays internal. This cannot be undone.",
	"certificate.revoke.reason":          "Reason",
	"certificate.revoke.reason_hint":     "Required, at most 500 characters. Only administrators see the reason.",
	"certificate.revoke.reason_required": "Give a reason of at least %d characters.",
	"certificate.revoke.reason_too_long": "The reason is too long: use at most %d characters.",
	"certificate.revoke.button":          "Revoke certificate",
	"certificate.revoke.done":            "The certificate has been revoked.",
	"certificate.revoke.already":         "This certificate was already revoked.",
}
