package i18n

func init() {
	register("en", map[string]string{
		"import.module.added":         "Module %s: added",
		"import.module.updated":       "Module %s: updated",
		"import.lesson.added":         "Lesson %s/%s: added",
		"import.lesson.updated":       "Lesson %s/%s: updated",
		"import.lesson.moved":         "Lesson %s/%s: moved",
		"import.lesson.removed":       "Lesson %s/%s: removed",
		"import.conflict.module":      "Module %s: title, summary, duration, introduction or policy summary were changed in the browser and differ in %s/module.md. The browser version stays.",
		"import.conflict.quiz":        "Module %s: the quiz was changed in the browser and differs in %s/quiz.yaml. The browser version stays.",
		"import.conflict.order":       "Module %s: the lessons were reordered in the browser and are ordered differently in the files. The browser order stays.",
		"import.conflict.lesson":      "Lesson %s/%s: changed in the browser and different in %s. The browser version stays.",
		"import.conflict.lesson_gone": "Lesson %s/%s: changed in the browser and no longer in the import. The lesson stays.",
	})
}
