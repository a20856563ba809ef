package i18n

func init() { register("nl", nlCertificate) }

var nlCertificate = map[string]string{
	"certificate.verify.title":         "Certificaat controleren",
	"certificate.verify.lead":          "Controleer of een certificaat van het N@BIJ leerplatform echt is. Je vindt de code onderaan het certificaat, naast de QR-code.",
	"certificate.verify.label":         "Verificatiecode",
	"certificate.verify.hint":          "28 tekens, bijvoorbeeld 7KQ2-M9XD-… Hoofdletters, kleine letters, spaties en streepjes mogen.",
	"certificate.verify.button":        "Controleren",
	"certificate.verify.malformed":     "Dit is geen geldige verificatiecode. Een code telt 28 letters en cijfers; controleer of je ze allemaal juist hebt overgenomen.",
	"certificate.verify.unknown_title": "Geen certificaat gevonden",
	"certificate.verify.unknown":       "Er bestaat geen certificaat met code %s. Controleer de code op het certificaat.",
	"certificate.verify.valid_title":   "Geldig certificaat",
	"certificate.verify.valid":         "Dit certificaat is echt en geldig.",
	"certificate.verify.revoked_title": "Ingetrokken certificaat",
	"certificate.verify.revoked_on":    "Dit certificaat werd ingetrokken op %s en is niet meer geldig.",
	"certificate.verify.throttled":     "Je hebt te veel codes na elkaar gecontroleerd. Wacht even en probeer dan opnieuw.",

	"certificate.field.name":         "Naam",
	"certificate.field.module":       "Module",
	"certificate.field.programme":    "Programma",
	"certificate.field.title":        "Certificaat",
	"certificate.field.completed":    "Afgerond op",
	"certificate.field.organisation": "Organisatie",
	"certificate.field.code":         "Code",
	"certificate.field.issued":       "Uitgereikt op",
	"certificate.field.status":       "Status",
	"certificate.field.reason":       "Reden van intrekking",

	"certificate.status.valid":      "Geldig",
	"certificate.status.revoked_on": "Ingetrokken op %s",

	"certificate.list.title":     "Mijn certificaten",
	"certificate.list.lead":      "Je krijgt een certificaat voor elke module die je afrondt, en één voor het volledige programma.",
	"certificate.list.empty":     "Je hebt nog geen certificaten. Rond een module af om er een te krijgen.",
	"certificate.list.actions":   "Acties",
	"certificate.list.download":  "Downloaden (PDF)",
	"certificate.list.verify":    "Controlepagina",
	"certificate.list.programme": "Volledig programma",
	"certificate.list.revoked":   "Ingetrokken",

	"certificate.download.revoked":     "Dit certificaat werd ingetrokken en kan niet meer gedownload worden. Neem contact op met de beheerder als je vragen hebt.",
	"certificate.download.unprintable": "Je naam bevat tekens die het certificaat niet kan afdrukken. Neem contact op met de beheerder.",
	"certificate.zip.empty":            "Er zijn nog geen geldige certificaten in je organisatie of team.",

	"certificate.admin.title":         "Certificaten",
	"certificate.admin.search_label":  "Zoek op code of naam",
	"certificate.admin.count":         "%d certificaten gevonden voor ‘%s’.",
	"certificate.admin.latest":        "De laatst uitgereikte certificaten (hoogstens %d).",
	"certificate.admin.query_invalid": "Je zoekvraag is te lang. Gebruik hoogstens 200 tekens.",
	"certificate.admin.show_title":    "Certificaat %s",
	"certificate.admin.public_page":   "Openbare controlepagina bekijken",

	"certificate.revoke.title":           "Certificaat intrekken",
	"certificate.revoke.lead":            "Een ingetrokken certificaat toont op de controlepagina als ‘ingetrokken’, met de datum. De reden blijft intern. Dit kan niet ongedaan gemaakt worden.",
	"certificate.revoke.reason":          "Reden",
	"certificate.revoke.reason_hint":     "Verplicht, hoogstens 500 tekens. Alleen beheerders zien de reden.",
	"certificate.revoke.reason_required": "Geef een reden op van minstens %d tekens.",
	"certificate.revoke.reason_too_long": "De reden is te lang: gebruik hoogstens %d tekens.",
	"certificate.revoke.button":          "Certificaat intrekken",
	"certificate.revoke.done":            "Het certificaat is ingetrokken.",
	"certificate.revoke.already":         "Dit certificaat was al ingetrokken.",
}
