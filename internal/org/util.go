package org

import (
	"strconv"

	"github.com/lib/pq"
)

func int64Array(ids []int64) any { return pq.Array(ids) }

func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}
