package e2e

import (
	"fmt"
	"net"
	"os"
	"sync"
)

// Harness nodes listen on 127.0.0.1 in [portLow, portHigh): below Linux's
// ephemeral range (32768 and up, where an outgoing connection could take a
// killed node's port before it restarts), and clear of the localnet
// (26656-26658, 9090, 1317) and `make testnet` (offsets 100-400: 26756-28258,
// 9190-10690, 1417-2917).
const (
	portLow  = 15000
	portHigh = 26000
)

var ports struct {
	sync.Mutex
	next int
}

// freePorts returns n distinct ports nothing listens on now. The scan
// starts at a point derived from the process id so that concurrent test
// processes rarely probe the same ports.
func freePorts(n int) ([]int, error) {
	ports.Lock()
	defer ports.Unlock()
	if ports.next == 0 {
		ports.next = portLow + (os.Getpid()*131)%(portHigh-portLow)
	}
	var out []int
	for tries := 0; len(out) < n && tries < portHigh-portLow; tries++ {
		p := ports.next
		ports.next++
		if ports.next >= portHigh {
			ports.next = portLow
		}
		if portFree(p) {
			out = append(out, p)
		}
	}
	if len(out) < n {
		return nil, fmt.Errorf("only %d free ports in [%d, %d)", len(out), portLow, portHigh)
	}
	return out, nil
}

func portFree(p int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}
