package keeper

import (
	"context"
	"time"

	consentkeeper "github.com/carechain/carechain/x/consent/keeper"
	"github.com/carechain/carechain/x/research/types"
)

// consentKeeper adapts x/consent's keeper to types.ConsentKeeper: its
// managed-consent API as is, and its max_consent_duration parameter.
type consentKeeper struct {
	consentkeeper.Keeper
}

// NewConsentKeeper returns x/consent's keeper as the research module's
// ConsentKeeper (app wiring).
func NewConsentKeeper(k consentkeeper.Keeper) types.ConsentKeeper { return consentKeeper{Keeper: k} }

// MaxConsentDuration returns x/consent's max_consent_duration parameter.
func (k consentKeeper) MaxConsentDuration(ctx context.Context) (time.Duration, error) {
	p, err := k.Keeper.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	return p.MaxConsentDuration, nil
}
