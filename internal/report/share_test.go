package report

import "testing"

func TestSharesRoundToNearest(t *testing.T) {
	for _, tc := range []struct{ part, total, want int }{
		{0, 3, 0}, {1, 3, 33}, {2, 3, 67}, {3, 3, 100}, {1, 8, 13}, {12, 14, 86}, {5, 0, 0},
	} {
		if got := (Counts{Total: tc.total}).Share(tc.part); got != tc.want {
			t.Errorf("Share(%d of %d) = %d, want %d", tc.part, tc.total, got, tc.want)
		}
		if tc.total > 0 {
			if got := (QuestionStat{Correct: tc.part, Answers: tc.total}).Share(); got != tc.want {
				t.Errorf("QuestionStat %d of %d = %d, want %d", tc.part, tc.total, got, tc.want)
			}
		}
	}
}
