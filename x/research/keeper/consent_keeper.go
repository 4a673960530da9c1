package keeper

import (
	consentkeeper "github.com/carechain/carechain/x/consent/keeper"
	"github.com/carechain/carechain/x/research/types"
)

// consentKeeper adapts x/consent's keeper to types.ConsentKeeper: its
// managed-consent API as is.
type consentKeeper struct {
	consentkeeper.Keeper
}

// NewConsentKeeper returns x/consent's keeper as the research module's
// ConsentKeeper (app wiring).
func NewConsentKeeper(k consentkeeper.Keeper) types.ConsentKeeper { return consentKeeper{Keeper: k} }
