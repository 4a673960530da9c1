package loadgen

import (
	"context"
	"fmt"
	"math"

	"google.golang.org/grpc"

	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
)

// DefaultGasAdjustment is the margin the load generator puts on simulated
// gas, as a wallet does: CosmJS's fee "auto" multiplies the simulated gas
// by 1.4.
const DefaultGasAdjustment = 1.4

// GasLimit is the gas limit a workload's transactions were signed with, and
// where it came from.
type GasLimit struct {
	Workload string `json:"workload"`
	// Limit is the gas limit of every transaction of the workload.
	Limit uint64 `json:"limit"`
	// Simulated is the most gas any of the sample transactions used in
	// simulation (0 when the workload's fixed limit was used).
	Simulated uint64 `json:"simulated,omitempty"`
	// Samples is how many transactions were simulated.
	Samples int `json:"samples,omitempty"`
}

// gasSamples is how many senders' next transactions are simulated per
// workload: the first, middle and last sender.
const gasSamples = 3

// SimulateGasLimit asks the node (the SDK's Simulate service on conn) how
// much gas the next transaction of a few of senders would use, and returns
// the most of them times adj, rounded up to a multiple of 1,000. Nothing is
// broadcast and no sender's sequence moves. A sample that fails in
// simulation is an error: the workload's fixtures are wrong and every one
// of its transactions would fail too.
func SimulateGasLimit(ctx context.Context, conn grpc.ClientConnInterface, signer *Signer, w *Workload, senders []*Sender, adj float64) (GasLimit, error) {
	if adj < 1 {
		return GasLimit{}, fmt.Errorf("gas adjustment %v: want at least 1", adj)
	}
	if len(senders) == 0 {
		return GasLimit{}, fmt.Errorf("%s: no senders to simulate with", w.Name)
	}
	// Distinct for every len(senders): 0, n/2 and n-1 differ from n = 3
	// on, and fewer senders keep only the first n picks.
	picks := []int{0, len(senders) / 2, len(senders) - 1}[:min(gasSamples, len(senders))]
	svc := txtypes.NewServiceClient(conn)
	out := GasLimit{Workload: w.Name}
	for _, i := range picks {
		s := senders[i]
		seq := s.Sequence
		// The simulation's gas meter has no limit; the workload's fixed
		// limit only sets the fee, which simulation does not charge.
		bz, err := signer.Sign(s, w.Gas, w.Msg(s, seq))
		s.Sequence = seq
		if err != nil {
			return GasLimit{}, fmt.Errorf("%s: signing a transaction to simulate: %w", w.Name, err)
		}
		res, err := svc.Simulate(ctx, &txtypes.SimulateRequest{TxBytes: bz})
		if err != nil {
			return GasLimit{}, fmt.Errorf("%s: simulating sender %d's transaction %d: %w", w.Name, s.Index, seq, err)
		}
		if res.GasInfo == nil || res.GasInfo.GasUsed == 0 {
			return GasLimit{}, fmt.Errorf("%s: simulation of sender %d's transaction reported no gas used", w.Name, s.Index)
		}
		out.Simulated = max(out.Simulated, res.GasInfo.GasUsed)
		out.Samples++
	}
	out.Limit = adjustGas(out.Simulated, adj)
	return out, nil
}

// adjustGas is used x adj rounded up to a multiple of 1,000.
func adjustGas(used uint64, adj float64) uint64 {
	return uint64(math.Ceil(float64(used)*adj/1000)) * 1000
}
