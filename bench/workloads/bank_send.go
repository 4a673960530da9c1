package workloads

import (
	"sync"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/bench/loadgen"
)

// bankRecipients receive the baseline's transfers. They exist from genesis,
// so no send pays for creating an account.
const bankRecipients = 64

var recipients = sync.OnceValue(func() []string {
	out := make([]string, bankRecipients)
	for k := range out {
		out[k] = loadgen.NewSender("bank-send-recipient", k).Address
	}
	return out
})

func init() {
	loadgen.Register(&loadgen.Workload{
		Name:    loadgen.BaselineWorkload,
		MsgType: sdk.MsgTypeURL(&banktypes.MsgSend{}),
		Gas:     100_000,
		Genesis: func(g *loadgen.Genesis) error {
			_, err := g.NewAccounts("bank-send-recipient", bankRecipients, loadgen.SenderCoins)
			return err
		},
		Msg: func(s *loadgen.Sender, i uint64) sdk.Msg {
			return &banktypes.MsgSend{
				FromAddress: s.Address,
				ToAddress:   recipients()[(s.Index+int(i))%bankRecipients],
				Amount:      sdk.NewCoins(sdk.NewCoin(app.SettlementDenom, sdkmath.OneInt())),
			}
		},
	})
}
