// Package bad holds one of each violation the determinism check must find.
package bad

type Fee struct{ Rate float64 }

func Share(amount int64) int64 {
	return int64(float64(amount) * 0.2)
}

func Notify(ch chan int) {
	go func() { ch <- 1 }()
}

func Pick(balances map[string]int64) string {
	for addr, b := range balances {
		if b > 0 {
			return addr
		}
	}
	return ""
}

func Keys(balances map[string]int64) []string {
	var keys []string
	for k := range balances {
		keys = append(keys, k)
	}
	return keys
}

func Sum(balances map[string]int64) (total int64) {
	// determinism:ok addition is commutative
	for _, b := range balances {
		total += b
	}
	return total
}
