package codec

import (
	"cmp"
	"slices"
)

// SortedKeys returns the keys of m in ascending order: strings by bytes,
// integers numerically. Generated code writes maps in this order so that
// equal maps serialize to equal bytes.
func SortedKeys[M ~map[K]V, K cmp.Ordered, V any](m M) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
