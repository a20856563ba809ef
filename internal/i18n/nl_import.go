package i18n

func init() {
	register("nl", map[string]string{
		"import.module.added":         "Module %s: toegevoegd",
		"import.module.updated":       "Module %s: bijgewerkt",
		"import.lesson.added":         "Les %s/%s: toegevoegd",
		"import.lesson.updated":       "Les %s/%s: bijgewerkt",
		"import.lesson.moved":         "Les %s/%s: verplaatst",
		"import.lesson.removed":       "Les %s/%s: verwijderd",
		"import.conflict.module":      "Module %s: titel, samenvatting, duur, inleiding of beleidssamenvatting werden in de browser aangepast en zijn anders in %s/module.md. De browserversie blijft.",
		"import.conflict.quiz":        "Module %s: de quiz werd in de browser aangepast en is anders in %s/quiz.yaml. De browserversie blijft.",
		"import.conflict.order":       "Module %s: de lessen werden in de browser herschikt en staan anders in de bestanden. De volgorde uit de browser blijft.",
		"import.conflict.lesson":      "Les %s/%s: in de browser aangepast en anders in %s. De browserversie blijft.",
		"import.conflict.lesson_gone": "Les %s/%s: in de browser aangepast en niet meer in de import. De les blijft.",
	})
}
